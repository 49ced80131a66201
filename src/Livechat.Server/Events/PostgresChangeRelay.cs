using System.Globalization;
using System.Threading.Channels;
using Livechat.Server.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Livechat.Server.Events;

/// <summary>
/// Carries change events between server processes sharing one PostgreSQL database. After a local commit the event
/// numbers are announced with <c>pg_notify</c> from a connection of the relay's own (never inside the write
/// transaction, so commits do not queue behind PostgreSQL's notification lock); every process LISTENs, reads the
/// announced rows of other processes from <c>change_events</c> and publishes them to its subscribers. A catch-up read
/// every <see cref="CatchUpInterval"/> picks up what a lost notification or a dropped connection missed, including
/// numbers that committed out of order (retried for <see cref="GapPatience"/>, then taken for rolled back).
/// </summary>
sealed partial class PostgresChangeRelay(
    ChangeFeed feed, IConfiguration config, IServiceScopeFactory scopes, TimeProvider time, IHostApplicationLifetime lifetime,
    ILogger<PostgresChangeRelay> logger)
    : BackgroundService
{
    const string ChannelName = "livechat_change_events";
    const int MaxNotifyPayload = 7000;
    static readonly TimeSpan CatchUpInterval = TimeSpan.FromSeconds(2);
    static readonly TimeSpan GapPatience = TimeSpan.FromSeconds(30);
    static readonly TimeSpan ReconnectDelay = TimeSpan.FromSeconds(1);

    readonly Channel<long> _local = Channel.CreateUnbounded<long>();
    readonly Channel<string> _announced = Channel.CreateUnbounded<string>();
    readonly Lock _lock = new();
    readonly Dictionary<long, DateTime> _missing = [];
    long _cursor = -1;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!DatabaseSetup.IsPostgres(config)) return;
        // After start-up, so the migrations have run.
        var started = new TaskCompletionSource();
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(stoppingToken);
        }
        var connection = DatabaseSetup.ConnectionString(config);
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<LivechatDb>();
            _cursor = await WithRetryAsync(() => db.ChangeEvents.MaxAsync(e => (long?)e.Seq, stoppingToken), stoppingToken) ?? 0;
        }
        using var subscription = feed.Subscribe((change, _) =>
        {
            if (!change.Remote) _local.Writer.TryWrite(change.Seq);
            return ValueTask.CompletedTask;
        });
        await Task.WhenAll(AnnounceAsync(connection, stoppingToken), ListenAsync(connection, stoppingToken), ReceiveAsync(stoppingToken));
    }

    static async Task<T> WithRetryAsync<T>(Func<Task<T>> action, CancellationToken ct)
    {
        while (true)
        {
            try
            {
                return await action();
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException && !ct.IsCancellationRequested)
            {
                await Task.Delay(ReconnectDelay, ct);
            }
        }
    }

    /// <summary>Sends this process's committed event numbers, batched, as <c>"origin seq,seq,…"</c>.</summary>
    async Task AnnounceAsync(string connectionString, CancellationToken ct)
    {
        var pending = new List<long>();
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(ct);
                while (true)
                {
                    if (pending.Count == 0)
                    {
                        pending.Add(await _local.Reader.ReadAsync(ct));
                    }
                    while (_local.Reader.TryRead(out var seq)) pending.Add(seq);
                    Processed(pending);
                    foreach (var payload in Payloads(pending))
                    {
                        await using var command = new NpgsqlCommand("SELECT pg_notify(@channel, @payload)", connection);
                        command.Parameters.AddWithValue("channel", ChannelName);
                        command.Parameters.AddWithValue("payload", payload);
                        await command.ExecuteNonQueryAsync(ct);
                    }
                    pending.Clear();
                }
            }
            catch (Exception e) when (e is NpgsqlException or IOException or InvalidOperationException && !ct.IsCancellationRequested)
            {
                LogConnectionLost(logger, e, "announce");
                await Task.Delay(ReconnectDelay, ct);
            }
        }
    }

    IEnumerable<string> Payloads(List<long> seqs)
    {
        var text = new System.Text.StringBuilder();
        foreach (var seq in seqs)
        {
            if (text.Length > MaxNotifyPayload)
            {
                yield return text.ToString();
                text.Clear();
            }
            text.Append(text.Length == 0 ? feed.Origin + " " : ",").Append(seq.ToString(CultureInfo.InvariantCulture));
        }
        if (text.Length > 0) yield return text.ToString();
    }

    /// <summary>Holds a LISTEN connection open and queues every announcement of other processes.</summary>
    async Task ListenAsync(string connectionString, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { KeepAlive = 30 }.ToString());
                await connection.OpenAsync(ct);
                connection.Notification += (_, e) =>
                {
                    if (!e.Payload.StartsWith(feed.Origin, StringComparison.Ordinal)) _announced.Writer.TryWrite(e.Payload);
                };
                await using (var listen = new NpgsqlCommand($"LISTEN {ChannelName}", connection))
                {
                    await listen.ExecuteNonQueryAsync(ct);
                }
                // Whatever committed while this connection was down.
                _announced.Writer.TryWrite("");
                while (true)
                {
                    await connection.WaitAsync(ct);
                }
            }
            catch (Exception e) when (e is NpgsqlException or IOException or InvalidOperationException && !ct.IsCancellationRequested)
            {
                LogConnectionLost(logger, e, "listen");
                await Task.Delay(ReconnectDelay, ct);
            }
        }
    }

    /// <summary>Reads announced (and, periodically, missed) rows of other processes and publishes them.</summary>
    async Task ReceiveAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            using var tick = CancellationTokenSource.CreateLinkedTokenSource(ct);
            tick.CancelAfter(CatchUpInterval);
            var announced = new HashSet<long>();
            try
            {
                var payload = await _announced.Reader.ReadAsync(tick.Token);
                do
                {
                    var space = payload.IndexOf(' ', StringComparison.Ordinal);
                    if (space < 0) continue;
                    foreach (var part in payload[(space + 1)..].Split(','))
                    {
                        if (long.TryParse(part, CultureInfo.InvariantCulture, out var seq) && IsNew(seq)) announced.Add(seq);
                    }
                }
                while (_announced.Reader.TryRead(out payload));
                if (announced.Count == 0) continue;
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                // The catch-up tick: no announcement for a while.
            }
            try
            {
                await FetchAndPublishAsync(announced, ct);
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException && !ct.IsCancellationRequested)
            {
                LogConnectionLost(logger, e, "read");
                await Task.Delay(ReconnectDelay, ct);
            }
        }
    }

    async Task FetchAndPublishAsync(HashSet<long> announced, CancellationToken ct)
    {
        long cursor;
        List<long> missing;
        lock (_lock)
        {
            cursor = _cursor;
            var expired = time.GetUtcNow().UtcDateTime - GapPatience;
            foreach (var old in _missing.Where(m => m.Value < expired).Select(m => m.Key).ToList()) _missing.Remove(old);
            missing = [.. _missing.Keys];
        }
        var wanted = announced.Concat(missing).ToList();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LivechatDb>();
        var origin = feed.Origin;
        var rows = await db.ChangeEvents.AsNoTracking()
            .Where(e => e.Origin != origin && (e.Seq > cursor || wanted.Contains(e.Seq)))
            .OrderBy(e => e.Seq).Take(1000)
            .Select(e => new { e.Seq, e.Data })
            .ToListAsync(ct);
        var fresh = rows.Where(r => IsNew(r.Seq)).ToList();
        Processed(fresh.Select(r => r.Seq));
        feed.Publish(fresh.Select(r => ChangeCapture.Deserialize(r.Seq, r.Data, remote: true)).ToList());
    }

    bool IsNew(long seq)
    {
        lock (_lock)
        {
            return seq > _cursor || _missing.ContainsKey(seq);
        }
    }

    /// <summary>Marks numbers as handled; numbers skipped on the way up are remembered as possibly still committing.</summary>
    void Processed(IEnumerable<long> seqs)
    {
        lock (_lock)
        {
            var now = time.GetUtcNow().UtcDateTime;
            foreach (var seq in seqs.Order())
            {
                if (!_missing.Remove(seq) && seq > _cursor)
                {
                    // Bounded, so a huge jump (e.g. a restored database) cannot flood the gap list.
                    for (var gap = Math.Max(_cursor + 1, seq - 1000); gap < seq; gap++) _missing.TryAdd(gap, now);
                }
                _cursor = Math.Max(_cursor, seq);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Change relay {Part} connection lost; reconnecting")]
    static partial void LogConnectionLost(ILogger logger, Exception exception, string part);
}
