using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Livechat.Server.Server;

namespace Livechat.Server.Operations;

/// <summary>
/// The server's own meter, <c>Livechat.Server</c> (docs/operations.md lists every instrument and what it means). The
/// code being measured records with one line next to itself; the gauges read the latest <see cref="TelemetrySampler"/>
/// snapshot of each server host in this process (one in production).
/// </summary>
public static class Telemetry
{
    public const string MeterName = "Livechat.Server";

    static readonly Meter Meter = new(MeterName, ServerVersion.Current);
    static readonly ConcurrentDictionary<TelemetrySampler, byte> Samplers = new();

    public static readonly Counter<long> WebhookAttempts = Meter.CreateCounter<long>(
        "livechat.webhook.attempts", "{attempt}", "Webhook calls made, by event type");

    public static readonly Counter<long> WebhookFailures = Meter.CreateCounter<long>(
        "livechat.webhook.failures", "{attempt}", "Webhook calls that did not answer 200, by event type and whether they will be retried");

    public static readonly Histogram<double> WebhookDuration = Meter.CreateHistogram<double>(
        "livechat.webhook.duration", "s", "Time from sending a webhook call to its answer, error or timeout");

    public static readonly Counter<long> ChangeFeedDropped = Meter.CreateCounter<long>(
        "livechat.change_feed.dropped", "{event}", "Change events dropped because a subscriber fell more than 10 000 behind");

    /// <summary>
    /// The open DDP sessions and their stream subscriptions, counted here and observed at each collection: a listener
    /// that starts late (a meter provider, a test's) reads how many are open, not the sum of the changes it happened
    /// to hear, which a session opened before it and closed after would take below zero.
    /// </summary>
    public static readonly OpenCount RealtimeSessions = new("livechat.realtime.sessions", "{session}", "Open DDP WebSocket sessions");

    public static readonly OpenCount RealtimeSubscriptions = new(
        "livechat.realtime.subscriptions", "{subscription}", "Stream subscriptions of the open DDP sessions");

    /// <summary>How many of something are open now, observed as an up-down counter.</summary>
    public sealed class OpenCount
    {
        long _open;

        internal OpenCount(string name, string unit, string description) =>
            Meter.CreateObservableUpDownCounter(name, () => Interlocked.Read(ref _open), unit, description);

        public void Add(long delta) => Interlocked.Add(ref _open, delta);
    }

    public static readonly Counter<long> IdempotencyReplays = Meter.CreateCounter<long>(
        "livechat.idempotency.replays", "{request}", "Requests answered from a stored Idempotency-Key answer");

    public static readonly Histogram<double> WriteLockWait = Meter.CreateHistogram<double>(
        "livechat.sqlite.write_lock.wait", "s", "Time a SQLite writer waited for this process's write gate");

    public static readonly Histogram<long> WriteGroupSize = Meter.CreateHistogram<long>(
        "livechat.sqlite.group_commit.size", "{write}", "Writes committed together by one SQLite group commit");

    public static readonly Histogram<double> WriteGroupDuration = Meter.CreateHistogram<double>(
        "livechat.sqlite.group_commit.duration", "s", "Time one SQLite group commit held the write gate, commit included");

    public static readonly Counter<long> WriteConflicts = Meter.CreateCounter<long>(
        "livechat.write.conflicts", "{write}", "Writes that met a row changed since it was read, and were read and applied again");

    public static readonly Counter<long> SaveInfoOutcomes = Meter.CreateCounter<long>(
        "livechat.room.save_info", "{request}", "room.saveInfo requests by result (saved, dry_run, modified, forbidden, invalid)");

    static Telemetry()
    {
        Meter.CreateObservableGauge("livechat.outbox.pending", () => Samplers.Keys.Sum(s => s.Latest.OutboxPending),
            "{call}", "Webhook calls waiting in the outbox");
        Meter.CreateObservableGauge("livechat.outbox.oldest_age", () => Samplers.Keys.Select(s => s.Latest.OutboxOldestAgeSeconds).DefaultIfEmpty().Max(),
            "s", "Age of the oldest webhook call waiting in the outbox (0 when none)");
        Meter.CreateObservableGauge("livechat.rooms.open", () => Samplers.Keys.Sum(s => s.Latest.RoomsOpen),
            "{room}", "Open livechat rooms");
        Meter.CreateObservableGauge("livechat.rooms.queued", () => Samplers.Keys.Sum(s => s.Latest.RoomsQueued),
            "{room}", "Rooms whose inquiry waits in the queue");
    }

    /// <summary>One webhook call: an attempt, its latency, and a failure unless it was answered 200.</summary>
    public static void RecordWebhook(string type, bool delivered, bool retry, TimeSpan elapsed)
    {
        var eventType = new KeyValuePair<string, object?>("event", type);
        WebhookAttempts.Add(1, eventType);
        WebhookDuration.Record(elapsed.TotalSeconds, eventType);
        if (!delivered) WebhookFailures.Add(1, eventType, new KeyValuePair<string, object?>("retry", retry));
    }

    internal static void Observe(TelemetrySampler sampler) => Samplers[sampler] = 0;

    internal static void Forget(TelemetrySampler sampler) => Samplers.TryRemove(sampler, out _);
}
