using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Livechat.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Livechat.Server.Tests.Reliability;

/// <summary>
/// The server process is killed with SIGKILL in the middle of a <c>room.saveInfo</c> load, restarted on the same
/// database, and the data is checked: every answered write is there, no room/visitor pair is half-written, and the
/// webhook outbox rows left pending are delivered by the restarted process.
/// </summary>
public abstract class CrashSafetyTests(string provider, ITestOutputHelper output)
{
    const int Rooms = 6;
    const int Crashes = 3;

    /// <summary>One room under load: a sequential writer, what it was told, and what it tried.</summary>
    sealed class Lane(string roomId, string visitorId, bool closed, int initialMsgs)
    {
        public string RoomId { get; } = roomId;
        public string VisitorId { get; } = visitorId;
        public bool Closed { get; } = closed;
        public int InitialMsgs { get; } = initialMsgs;
        public int Committed;   // the sequence number found in the database after the last restart
        public int Acked;       // the last sequence number answered 200
        public int Attempted;   // the last sequence number sent
    }

    [Fact]
    public async Task KilledMidLoadTheServerKeepsEveryAnsweredWriteWholeAndDeliversPendingWebhooks()
    {
        using var database = ServerDatabase.Create(provider);
        var webhookDown = 0;
        using var webhook = new WebhookListener(_ => Volatile.Read(ref webhookDown) == 1 ? 503 : 200);
        var server = await ServerProcess.StartAsync(database);
        var clock = Stopwatch.StartNew();
        try
        {
            var admin = await server.Api().LoginAsync(LivechatServerFactory.AdminUsername, LivechatServerFactory.AdminPassword);
            var (lanes, priorities) = await ArrangeAsync(admin, webhook.Url);
            output.WriteLine($"started and arranged in {clock.Elapsed.TotalSeconds:F1} s");
            var answered = 0;
            var pendingAtRestart = 0L;
            var outcomes = new ConcurrentDictionary<string, int>();

            for (var crash = 1; crash <= Crashes; crash++)
            {
                // Before the last crash the CRM is down, so the killed process leaves undelivered rows behind.
                Volatile.Write(ref webhookDown, crash == Crashes ? 1 : 0);
                using var stop = new CancellationTokenSource();
                var progress = new Progress();
                var load = lanes.Select(lane => LoadAsync(server.Http.BaseAddress!, admin, lane, priorities, outcomes, progress, stop.Token)).ToList();
                // Kill mid-load: once every room has had answered saves (closed rooms too, so outbox rows exist), however
                // slow the machine is, and at least a second into the load.
                var window = Stopwatch.StartNew();
                while ((window.Elapsed < TimeSpan.FromSeconds(1) || lanes.Any(l => progress.AckedIn(l) < 2)) && window.Elapsed < TimeSpan.FromSeconds(45))
                {
                    await Task.Delay(50);
                }
                var loadTime = window.Elapsed;
                server.Kill();
                stop.Cancel();
                answered += (await Task.WhenAll(load)).Sum();
                var restart = Stopwatch.StartNew();
                server = await ServerProcess.StartAsync(database);
                if (crash == Crashes)
                {
                    pendingAtRestart = await database.ScalarAsync("SELECT count(*) FROM webhook_outbox WHERE \"Status\" = 0");
                    Volatile.Write(ref webhookDown, 0);
                }
                admin = await server.Api().LoginAsync(LivechatServerFactory.AdminUsername, LivechatServerFactory.AdminPassword);
                output.WriteLine($"crash {crash} after {loadTime.TotalSeconds:F1} s of load: restarted in {restart.Elapsed.TotalSeconds:F1} s, {answered} answered so far, at {clock.Elapsed.TotalSeconds:F1} s");

                foreach (var lane in lanes)
                {
                    await CheckLaneAsync(admin, lane, priorities);
                }
            }

            // The restarted process delivers what the killed one left in the outbox, once the CRM answers again.
            var expectedRows = lanes.Where(l => l.Closed).Sum(l => l.Committed);
            var rows = await database.ScalarAsync("SELECT count(*) FROM webhook_outbox");
            var drained = Stopwatch.StartNew();
            while (await database.ScalarAsync("SELECT count(*) FROM webhook_outbox WHERE \"Status\" = 0") > 0 && drained.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(200);
            }

            Assert.Equal(expectedRows, rows);
            var delivered = await database.ScalarAsync("SELECT count(*) FROM webhook_outbox WHERE \"Status\" = 1");
            Assert.True(rows == delivered, $"{delivered} of {rows} outbox rows delivered; the others:\n" + await database.DumpAsync(
                "SELECT \"Status\", \"Attempts\", \"NextAttemptAt\", \"LockedUntil\", \"LastError\" FROM webhook_outbox WHERE \"Status\" <> 1") +
                $"\nnow {DateTime.UtcNow:O}\n{server.Output}");
            Assert.True(pendingAtRestart > 0, "the crashes left no outbox row pending, so the test proved nothing about them");
            output.WriteLine($"{provider}: {Crashes} SIGKILLs under load, {answered} saves answered 200 ({string.Join(", ", outcomes.Select(o => $"{o.Key}×{o.Value}"))}); " +
                $"after the restarts every answered save was stored whole in all {Rooms} rooms; {rows} outbox rows, {pendingAtRestart} pending at the last restart, " +
                $"all delivered {drained.Elapsed.TotalSeconds:F1} s later ({webhook.Calls} webhook calls); {clock.Elapsed.TotalSeconds:F1} s in all");
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    /// <summary>An agent, two priorities and <see cref="Rooms"/> served rooms, half of them closed (their edits queue <c>LivechatEdit</c>).</summary>
    static async Task<(List<Lane> Lanes, string[] Priorities)> ArrangeAsync(ApiClient admin, string webhookUrl)
    {
        await SetAsync(admin, "Livechat_webhookUrl", webhookUrl);
        await SetAsync(admin, "Livechat_http_timeout", 2000);
        var agent = TestUsers.Unique("agent");
        (await admin.PostAsync("users.create", new { username = agent, email = $"{agent}@example.com", name = agent, password = TestUsers.Password })).Ok();
        (await admin.PostAsync("livechat/users/agent", new { username = agent })).Ok();
        // Routing takes online agents only: a REST login sets the agent online.
        await new ApiClient(new HttpClient { BaseAddress = admin.Http.BaseAddress }).LoginAsync(agent, TestUsers.Password);
        var priorities = (await admin.GetAsync("livechat/priorities")).Ok().Json.GetProperty("priorities")
            .EnumerateArray().Take(2).Select(p => p.Str("_id")).ToArray();
        var visitorApi = new ApiClient(new HttpClient { BaseAddress = admin.Http.BaseAddress });
        var lanes = new List<Lane>();
        for (var i = 0; i < Rooms; i++)
        {
            var token = TestUsers.Unique("crash");
            var visitor = (await visitorApi.PostAsync("livechat/visitor", new { visitor = new { token, name = "n-0" } })).Ok().Json.GetProperty("visitor");
            var room = (await visitorApi.GetAsync($"livechat/room?token={token}")).Ok().Json.GetProperty("room");
            var closed = i % 2 == 1;
            if (closed)
            {
                (await admin.PostAsync("livechat/room.closeByUser", new { rid = room.Str("_id"), comment = "closed before the load" })).Ok();
            }
            var msgs = (await admin.GetAsync($"rooms.info?roomId={room.Str("_id")}")).Ok().Json.GetProperty("room").GetProperty("msgs").GetInt32();
            lanes.Add(new Lane(room.Str("_id"), visitor.Str("_id"), closed, msgs));
        }
        return (lanes, priorities);
    }

    /// <summary>
    /// Saves of one room, one after another: save <c>k</c> names the visitor <c>n-k</c>, sets the topic <c>t-k</c> and
    /// switches the priority, which adds a history message. Returns how many were answered 200.
    /// </summary>
    static async Task<int> LoadAsync(Uri baseAddress, ApiClient admin, Lane lane, string[] priorities, ConcurrentDictionary<string, int> outcomes,
        Progress progress, CancellationToken stop)
    {
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(10) };
        var api = new ApiClient(http).As(admin.UserId!, admin.Token!);
        var answered = 0;
        while (!stop.IsCancellationRequested)
        {
            var k = Math.Max(lane.Committed, lane.Acked) + 1;
            lane.Attempted = k;
            try
            {
                var reply = await api.PostAsync("livechat/room.saveInfo", new
                {
                    guestData = new { _id = lane.VisitorId, name = $"n-{k}" },
                    roomData = new { _id = lane.RoomId, topic = $"t-{k}", priorityId = priorities[k % 2] },
                });
                outcomes.AddOrUpdate(reply.Code.ToString(System.Globalization.CultureInfo.InvariantCulture), 1, (_, n) => n + 1);
                Assert.True(reply.Code == 200, $"save {k} of {lane.RoomId}: {reply.Code} {reply.Body}");
                lane.Acked = k;
                answered++;
                progress.Acked(lane);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // The process died under this request: it may or may not have committed.
                outcomes.AddOrUpdate("no answer", 1, (_, n) => n + 1);
                return answered;
            }
        }
        return answered;
    }

    /// <summary>
    /// The stored save <c>k</c> is the last answered one or the one in flight at the kill; the visitor, the room and
    /// the room's messages all show that same <c>k</c>.
    /// </summary>
    static async Task CheckLaneAsync(ApiClient admin, Lane lane, string[] priorities)
    {
        var room = (await admin.GetAsync($"rooms.info?roomId={lane.RoomId}")).Ok().Json.GetProperty("room");
        var visitor = (await admin.GetAsync($"livechat/visitors.info?visitorId={lane.VisitorId}")).Ok().Json.GetProperty("visitor");
        var messages = (await admin.GetAsync($"chat.syncMessages?roomId={lane.RoomId}&lastUpdate=2000-01-01T00:00:00.000Z")).Ok()
            .Json.GetProperty("result").GetProperty("updated").EnumerateArray()
            .Count(m => m.TryGetProperty("t", out var t) && t.GetString() == "omnichannel_priority_change_history");
        var k = room.TryGetProperty("topic", out var topic) ? int.Parse(topic.GetString()![2..], System.Globalization.CultureInfo.InvariantCulture) : 0;

        Assert.True(k >= lane.Acked && k <= lane.Attempted, $"room {lane.RoomId}: stored save {k}, answered {lane.Acked}, sent {lane.Attempted}");
        Assert.Equal($"n-{k}", visitor.Str("name"));
        Assert.Equal($"n-{k}", room.Str("fname"));
        Assert.Equal(k, messages);
        Assert.Equal(lane.InitialMsgs + k, room.GetProperty("msgs").GetInt32());
        if (k > 0) Assert.Equal(priorities[k % 2], room.Str("priorityId"));
        Assert.Equal(!lane.Closed, room.TryGetProperty("open", out _));
        lane.Committed = k;
        lane.Acked = k;
    }

    /// <summary>Answered saves per room in the current load window.</summary>
    sealed class Progress
    {
        readonly ConcurrentDictionary<Lane, int> _acked = new();

        public void Acked(Lane lane) => _acked.AddOrUpdate(lane, 1, (_, n) => n + 1);

        public int AckedIn(Lane lane) => _acked.GetValueOrDefault(lane);
    }

    static async Task SetAsync(ApiClient admin, string id, object value) =>
        (await admin.PostAsync($"settings/{id}", new { value })).Is(200, """{"success":true}""");
}

public sealed class CrashSafetySqliteTests(ITestOutputHelper output) : CrashSafetyTests("Sqlite", output);

public sealed class CrashSafetyPostgresTests(ITestOutputHelper output) : CrashSafetyTests("Postgres", output);
