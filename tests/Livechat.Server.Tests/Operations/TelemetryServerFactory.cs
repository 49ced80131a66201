using System.Diagnostics;
using System.Diagnostics.Metrics;
using Livechat.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Livechat.Server.Tests.Operations;

/// <summary>
/// The server on a database of <typeparamref name="TDatabase"/>, with OpenTelemetry's in-memory exporters added to its
/// own tracer, meter and logger providers (logs at Debug, gauges counted every second). Activity sources are process-wide,
/// so <see cref="Spans"/> also holds what servers of other test classes record; <see cref="Metrics"/> holds this host's
/// meters and the process-wide ones (the runtime's and the server's own <c>livechat.*</c> meter).
/// </summary>
public sealed class TelemetryServerFactory<TDatabase> : LivechatServerFactory where TDatabase : LivechatServerFactory, new()
{
    readonly TDatabase _database = new();   // owns (and finally removes) the database; its own server never starts

    public override string Provider => _database.Provider;

    protected override string ConnectionString => _database.DatabaseConnectionString;

    /// <summary>Spans end on the request threads of every test server in the process, so the exporter adds them concurrently.</summary>
    public RecordedCollection<Activity> Spans { get; } = new();
    public RecordedCollection<MetricSnapshot> Metrics { get; } = new();
    public RecordedCollection<LogRecord> Logs { get; } = new();

    readonly Lock _collecting = new();
    IMeterFactory? _ownMeters;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Logging:LogLevel:Default", "Debug");
        builder.UseSetting("Telemetry:GaugeIntervalSeconds", "1");
        builder.ConfigureServices(services => services
            .ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(Spans))
            // Meters are process-wide: this provider would also hear the ASP.NET Core meters of every other test
            // class's server, under the same names, and would merge their instruments into its own streams. When
            // another server stops, its instruments complete, and the SDK retires the shared stream, this server's
            // routes included. So this provider listens only to meters made by its own host's IMeterFactory (and to
            // the process-wide ones, which have no factory), and keeps every route of its own.
            .ConfigureOpenTelemetryMeterProvider((provider, _) => _ownMeters = provider.GetRequiredService<IMeterFactory>())
            .ConfigureOpenTelemetryMeterProvider(m => m
                .AddView(instrument => instrument.Meter.Scope is IMeterFactory scope && scope != _ownMeters
                    ? MetricStreamConfiguration.Drop
                    : instrument.Name == "http.server.request.duration" ? new MetricStreamConfiguration { CardinalityLimit = 100_000 } : null)
                .AddInMemoryExporter(Metrics))
            .ConfigureOpenTelemetryLoggerProvider(l => l.AddInMemoryExporter(Logs)));
    }

    /// <summary>Every metric as exported now (cumulative totals since the start).</summary>
    public List<MetricSnapshot> CollectMetrics()
    {
        lock (_collecting)
        {
            Metrics.Clear();
            Services.GetRequiredService<MeterProvider>().ForceFlush();
            return Metrics.Snapshot();
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        _database.Dispose();
    }
}

/// <summary>What an in-memory exporter adds, from any thread; read it through <see cref="Snapshot"/>.</summary>
public sealed class RecordedCollection<T> : ICollection<T>
{
    readonly List<T> _items = [];
    readonly Lock _gate = new();

    public List<T> Snapshot()
    {
        lock (_gate) return [.. _items];
    }

    public int Count
    {
        get { lock (_gate) return _items.Count; }
    }

    public bool IsReadOnly => false;

    public void Add(T item)
    {
        lock (_gate) _items.Add(item);
    }

    public void Clear()
    {
        lock (_gate) _items.Clear();
    }

    public bool Contains(T item)
    {
        lock (_gate) return _items.Contains(item);
    }

    public void CopyTo(T[] array, int arrayIndex)
    {
        lock (_gate) _items.CopyTo(array, arrayIndex);
    }

    public bool Remove(T item)
    {
        lock (_gate) return _items.Remove(item);
    }

    public IEnumerator<T> GetEnumerator() => Snapshot().GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
