using Livechat.Server.Data;
using Livechat.Server.Http;
using Livechat.Server.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Livechat.Server.Operations;

/// <summary>
/// Counts what the gauges of <see cref="Telemetry"/> report (open and queued rooms, the webhook outbox) every
/// <c>Telemetry:GaugeIntervalSeconds</c>, so an exporter's collection never waits for the database. Several processes on
/// one PostgreSQL each report the same database-wide numbers.
/// </summary>
public sealed partial class TelemetrySampler(
    IServiceScopeFactory scopes, IOptions<TelemetryOptions> options, TimeProvider time, IHostApplicationLifetime lifetime,
    ILogger<TelemetrySampler> logger) : BackgroundService
{
    public sealed record Snapshot(long OutboxPending, double OutboxOldestAgeSeconds, long RoomsOpen, long RoomsQueued);

    public Snapshot Latest { get; private set; } = new(0, 0, 0, 0);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Not before the start-up migrations are done (Data/Seeding).
        var started = new TaskCompletionSource();
        await using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        await using (stoppingToken.Register(() => started.TrySetResult()))
        {
            await started.Task;
        }
        Telemetry.Observe(this);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    Latest = await SampleAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogFailed(logger, e);
                }
                await Task.Delay(TimeSpan.FromSeconds(options.Value.GaugeIntervalSeconds), time, stoppingToken);
            }
        }
        finally
        {
            Telemetry.Forget(this);
        }
    }

    async Task<Snapshot> SampleAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LivechatDb>();
        var pending = db.OutboxMessages.Where(m => m.Status == OutboxStatus.Pending);
        var count = await pending.LongCountAsync(ct);
        var oldest = count == 0 ? null : await pending.MinAsync(m => (DateTime?)m.CreatedAt, ct);
        return new Snapshot(
            OutboxPending: count,
            OutboxOldestAgeSeconds: oldest is { } at ? Math.Max(0, (time.UtcNow() - at).TotalSeconds) : 0,
            RoomsOpen: await db.Rooms.LongCountAsync(r => r.Open, ct),
            RoomsQueued: await db.Inquiries.LongCountAsync(i => i.Status == "queued", ct));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Counting rooms and outbox rows for the gauges failed; trying again at the next interval")]
    static partial void LogFailed(ILogger logger, Exception exception);
}
