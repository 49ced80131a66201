using System.Diagnostics;
using System.Text;
using Livechat.Server.Tests.Infrastructure;
using OpenTelemetry.Metrics;

namespace Livechat.Server.Tests.Operations;

/// <summary>
/// OpenTelemetry under a real request flow, read through the SDK's in-memory exporters: the server's own meters move
/// (webhook attempts and failures, the outbox gauges, rooms open and queued, realtime sessions and subscriptions,
/// idempotency replays, room.saveInfo outcomes, SQLite write-lock waits), request spans carry route templates, and a
/// visitor token sent in a path and a query string reaches no span, metric or log record.
/// </summary>
public abstract class TelemetryTests<TDatabase>(TelemetryServerFactory<TDatabase> factory) : IClassFixture<TelemetryServerFactory<TDatabase>>
    where TDatabase : LivechatServerFactory, new()
{
    [Fact]
    public async Task MetersMoveUnderARealFlowAndNoVisitorTokenReachesSpansMetricsOrLogs()
    {
        using var receiver = new WebhookListener(_ => 503);
        await factory.SetSettingAsync("Livechat_webhookUrl", receiver.Url);
        await factory.SetSettingAsync("Livechat_webhook_on_room_updated", true);
        var before = factory.CollectMetrics();
        var (room, token, agent, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        var visitorId = room.GetProperty("v").Str("_id");
        var anonymous = factory.Anonymous();
        (await anonymous.GetAsync($"livechat/visitor/{token}")).Ok();
        (await anonymous.GetAsync($"livechat/room?token={token}")).Ok();
        for (var attempt = 0; attempt < 2; attempt++)
        {
            using var message = new HttpRequestMessage(HttpMethod.Post, "/api/v1/livechat/message")
            {
                Content = new StringContent($$"""{"token":"{{token}}","rid":"{{rid}}","msg":"once"}""", Encoding.UTF8, "application/json"),
            };
            message.Headers.Add("Idempotency-Key", $"telemetry-{rid}");
            (await anonymous.SendAsync(message)).Ok();
        }
        var save = new { guestData = new { _id = visitorId }, roomData = new { _id = rid, topic = "Telemetry" } };
        (await agent.Api.PostAsync("livechat/room.saveInfo?dryRun=true", save)).Ok();
        (await agent.Api.PostAsync("livechat/room.saveInfo", save)).Ok();
        await factory.OpenQueuedRoomAsync();
        await using var ddp = await DdpClient.ConnectAsync(factory);
        await ddp.SubscribeAsVisitorAsync("stream-room-messages", rid, token);
        await receiver.NextAsync();

        // The gauges are counted every second (Telemetry:GaugeIntervalSeconds), the webhook fails in the background.
        var after = await MetricsWhenAsync(m => Total(m, "livechat.outbox.pending") >= 1 && Total(m, "livechat.rooms.open") >= 2
            && Total(m, "livechat.rooms.queued") >= 1 && Total(m, "livechat.webhook.failures") > Total(before, "livechat.webhook.failures")
            && m.Any(VisitorRouteDuration));

        Assert.True(Total(after, "livechat.webhook.attempts") > Total(before, "livechat.webhook.attempts"));
        Assert.True(Count(after, "livechat.webhook.duration") > Count(before, "livechat.webhook.duration"));
        Assert.True(Total(after, "livechat.webhook.failures") > Total(before, "livechat.webhook.failures"));
        Assert.True(Total(after, "livechat.outbox.pending") >= 1);
        Assert.True(Total(after, "livechat.outbox.oldest_age") > 0);
        Assert.True(Total(after, "livechat.rooms.open") >= 2);
        Assert.True(Total(after, "livechat.rooms.queued") >= 1);
        Assert.True(Total(after, "livechat.realtime.sessions") >= 1);
        Assert.True(Total(after, "livechat.realtime.subscriptions") >= 1);
        Assert.True(Total(after, "livechat.idempotency.replays") > Total(before, "livechat.idempotency.replays"));
        Assert.True(Total(after, "livechat.room.save_info", ("result", "saved")) > Total(before, "livechat.room.save_info", ("result", "saved")));
        Assert.True(Total(after, "livechat.room.save_info", ("result", "dry_run")) > Total(before, "livechat.room.save_info", ("result", "dry_run")));
        if (factory.Provider == "Sqlite")
        {
            Assert.True(Count(after, "livechat.sqlite.write_lock.wait") > Count(before, "livechat.sqlite.write_lock.wait"));
        }
        Assert.Contains(after, VisitorRouteDuration);

        var spans = Spans();
        var requests = spans.Where(s => s.Kind == ActivityKind.Server).ToList();
        Assert.Contains(requests, s => s.DisplayName == "GET /api/v1/livechat/visitor/{token}");
        Assert.Contains(requests, s => s.DisplayName == "GET /api/v1/livechat/room");
        Assert.All(requests, s =>
        {
            Assert.Equal(s.GetTagItem("http.route"), s.GetTagItem("url.path"));
            Assert.Null(s.GetTagItem("url.query"));
        });
        var logs = Logs();
        Assert.Contains(logs, l => l.Contains("GET /api/v1/livechat/room?token=*** answered 200", StringComparison.Ordinal));

        var leaks = spans.SelectMany(s => s.TagObjects.Select(t => $"span {s.DisplayName} {t.Key}={t.Value}").Append($"span {s.DisplayName}"))
            .Concat(after.SelectMany(m => Points(m).SelectMany(p => Tags(p).Select(t => $"metric {m.Name} {t.Key}={t.Value}"))))
            .Concat(logs.Select(l => $"log {l}"))
            .Where(text => text.Contains(token, StringComparison.Ordinal)).Take(5).ToList();
        Assert.True(leaks.Count == 0, "the visitor token in telemetry:\n" + string.Join('\n', leaks));
    }

    /// <summary>
    /// Another server of the same process stopping (as other test classes' servers do at any moment) leaves this
    /// server's request durations: its ASP.NET Core meters are its own, not merged into this server's streams.
    /// </summary>
    [Fact]
    public async Task AnotherServerStoppingLeavesThisServersRequestMetrics()
    {
        using (var other = new SqliteServerFactory())
        {
            (await other.Anonymous().GetAsync("livechat/config")).Ok();
            (await factory.Anonymous().GetAsync("livechat/config")).Ok();
        }
        factory.CollectMetrics();   // the SDK retires a stream one collection after its instruments complete

        (await factory.Anonymous().GetAsync("livechat/config")).Ok();

        Assert.Contains(factory.CollectMetrics(), m => m.Name == "http.server.request.duration"
            && Points(m).Any(p => Tag(p, "http.route") == "/api/v1/livechat/config"));
    }

    /// <summary>The request duration of <c>GET livechat/visitor/:token</c>, recorded under its route template.</summary>
    static bool VisitorRouteDuration(MetricSnapshot m) => m.Name == "http.server.request.duration"
        && Points(m).Any(p => Tag(p, "http.route") == "/api/v1/livechat/visitor/{token}");

    async Task<List<MetricSnapshot>> MetricsWhenAsync(Func<List<MetricSnapshot>, bool> ready)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var metrics = factory.CollectMetrics();
            if (ready(metrics) || waited.Elapsed > TimeSpan.FromSeconds(20)) return metrics;
            await Task.Delay(200);
        }
    }

    List<Activity> Spans() => factory.Spans.Snapshot();

    /// <summary>Each log record as text: its message, its attributes and its exception.</summary>
    List<string> Logs() => factory.Logs.Snapshot().Select(l => string.Join(' ', new[] { l.CategoryName, l.FormattedMessage, l.Body, l.Exception?.ToString() }
        .Concat((l.Attributes ?? []).Select(a => $"{a.Key}={a.Value}")))).ToList();

    static IEnumerable<MetricPoint> Points(MetricSnapshot metric) => metric.MetricPoints;

    static List<KeyValuePair<string, object?>> Tags(MetricPoint point)
    {
        var tags = new List<KeyValuePair<string, object?>>();
        foreach (var tag in point.Tags) tags.Add(tag);
        return tags;
    }

    static string? Tag(MetricPoint point, string key) => Tags(point).Where(t => t.Key == key).Select(t => t.Value?.ToString()).FirstOrDefault();

    /// <summary>The sum of a counter's or gauge's points (those with <paramref name="tag"/> when given).</summary>
    static double Total(List<MetricSnapshot> metrics, string name, (string Key, string Value)? tag = null) =>
        metrics.Where(m => m.Name == name).SelectMany(m => Points(m).Select(p => (m.MetricType, Point: p)))
            .Where(x => tag is null || Tag(x.Point, tag.Value.Key) == tag.Value.Value)
            .Sum(x => x.MetricType switch
            {
                MetricType.LongSum or MetricType.LongSumNonMonotonic => x.Point.GetSumLong(),
                MetricType.DoubleSum or MetricType.DoubleSumNonMonotonic => x.Point.GetSumDouble(),
                MetricType.LongGauge => x.Point.GetGaugeLastValueLong(),
                MetricType.DoubleGauge => x.Point.GetGaugeLastValueDouble(),
                _ => 0,
            });

    /// <summary>How many values a histogram has recorded.</summary>
    static long Count(List<MetricSnapshot> metrics, string name) =>
        metrics.Where(m => m.Name == name).SelectMany(Points).Sum(p => p.GetHistogramCount());
}

public sealed class TelemetrySqliteTests(TelemetryServerFactory<SqliteServerFactory> factory) : TelemetryTests<SqliteServerFactory>(factory);

public sealed class TelemetryPostgresTests(TelemetryServerFactory<PostgresServerFactory> factory) : TelemetryTests<PostgresServerFactory>(factory);
