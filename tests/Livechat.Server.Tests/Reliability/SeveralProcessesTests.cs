using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Livechat.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Livechat.Server.Tests.Reliability;

/// <summary>
/// Two server processes on one PostgreSQL database, on different ports, under a mixed load sent to both: visitor
/// registration (<c>guest-N</c>), room creation and routing, queue takes, <c>room.saveInfo</c> (with and without
/// <c>If-Match</c>) and <c>Idempotency-Key</c> retries that cross processes. No duplicate username, no room served
/// twice, no lost update, no 5xx, and no issued token in either process's log output. SQLite serves one process only,
/// so this runs on PostgreSQL alone.
/// </summary>
public sealed partial class SeveralProcessesTests(ITestOutputHelper output)
{
    const int Visitors = 60;
    const int QueuedRooms = 16;
    const int Fields = 12;

    readonly ConcurrentQueue<(int Process, int Status)> _answers = new();
    readonly ConcurrentBag<string> _secrets = [];
    readonly ConcurrentDictionary<int, ApiClient> _anonymous = new();

    [Fact]
    public async Task TwoProcessesShareTheLoadWithoutDuplicatesLostUpdatesOrServerErrors()
    {
        using var database = ServerDatabase.Create("Postgres");
        // As verbose as the server gets about its own work, and every SQL command it runs, for the token scan.
        var logging = new Dictionary<string, string>
        {
            ["Logging__LogLevel__Livechat"] = "Trace",
            ["Logging__LogLevel__Microsoft.AspNetCore"] = "Information",
            ["Logging__LogLevel__Microsoft.EntityFrameworkCore.Database.Command"] = "Information",
        };
        var clock = Stopwatch.StartNew();
        var p1 = await ServerProcess.StartAsync(database, logging);
        var p2 = await ServerProcess.StartAsync(database, logging);
        ServerProcess[] processes = [p1, p2];
        try
        {
            var admins = await Task.WhenAll(processes.Select(async p =>
                await p.Api().LoginAsync(LivechatServerFactory.AdminUsername, LivechatServerFactory.AdminPassword)));
            admins.ToList().ForEach(a => _secrets.Add(a.Token!));
            var agents = await CreateAgentsAsync(admins, 4);

            var figures = new List<string>();
            figures.Add(await RegistrationAsync(processes, database));
            var rooms = await RoomsAsync(processes, database);
            figures.Add($"{rooms.Count} rooms opened by {2 * rooms.Count} simultaneous GET livechat/room (one per process per visitor): one room each, served once");
            figures.Add(await QueueTakesAsync(processes, admins, agents, database));
            figures.Add(await SaveInfoAsync(admins, rooms[0]));
            figures.Add(await IdempotentRetriesAsync(processes, agents, rooms, database));

            var perProcess = _answers.GroupBy(a => a.Process).OrderBy(g => g.Key).Select(g => $"process {g.Key + 1}: {g.Count()}");
            var statuses = _answers.GroupBy(a => a.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}×{g.Count()}");
            Assert.DoesNotContain(_answers, a => a.Status >= 500);

            await p1.DisposeAsync();
            await p2.DisposeAsync();
            var logs = p1.Output + "\n" + p2.Output;
            var leaks = ServerProcess.LinesContaining(logs, _secrets).Take(10).ToList();
            Assert.True(leaks.Count == 0, "issued tokens in the log output:\n" + string.Join("\n", leaks));
            Assert.True(logs.Length > 100_000, $"only {logs.Length} characters of log output were scanned");

            output.WriteLine($"{_answers.Count} requests ({string.Join(", ", perProcess)}; {string.Join(", ", statuses)}) in {clock.Elapsed.TotalSeconds:F1} s");
            figures.ForEach(output.WriteLine);
            output.WriteLine($"{_secrets.Distinct().Count()} issued tokens (login, visitor) absent from {logs.Split('\n').Length} log lines");
        }
        finally
        {
            await p1.DisposeAsync();
            await p2.DisposeAsync();
        }
    }

    /// <summary>Agents created through the first process, each logged in on one of the two.</summary>
    async Task<List<ApiClient>> CreateAgentsAsync(ApiClient[] admins, int count)
    {
        var agents = new List<ApiClient>();
        for (var i = 0; i < count; i++)
        {
            var username = TestUsers.Unique("agent");
            (await admins[0].PostAsync("users.create", new { username, email = $"{username}@example.com", name = username, password = TestUsers.Password })).Ok();
            (await admins[0].PostAsync("livechat/users/agent", new { username })).Ok();
            var agent = await new ApiClient(new HttpClient { BaseAddress = admins[i % 2].Http.BaseAddress }).LoginAsync(username, TestUsers.Password);
            _secrets.Add(agent.Token!);
            agents.Add(agent);
        }
        return agents;
    }

    /// <summary>Visitors registered at once on both processes; every fourth also sent again, with its Idempotency-Key, to the other.</summary>
    async Task<string> RegistrationAsync(ServerProcess[] processes, ServerDatabase database)
    {
        var replies = await Task.WhenAll(Enumerable.Range(0, Visitors).Select(async i =>
        {
            var token = TestUsers.Unique("multi");
            _secrets.Add(token);
            var body = new { visitor = new { token, name = $"Visitor {i}" } };
            if (i % 4 != 0) return new[] { await SendAsync(processes, i, "livechat/visitor", body) };
            var key = $"register-{i}";
            return await Task.WhenAll(SendAsync(processes, i, "livechat/visitor", body, key), SendAsync(processes, i + 1, "livechat/visitor", body, key));
        }));

        // Registration mints a credential, so its answer is never stored for replay (docs/compatibility.md): the retry on
        // the other process finds the same visitor by its token instead.
        foreach (var pair in replies.Where(r => r.Length == 2))
        {
            var (first, second) = (pair[0].Ok().Json.GetProperty("visitor"), pair[1].Ok().Json.GetProperty("visitor"));
            Assert.Equal((first.Str("_id"), first.Str("username")), (second.Str("_id"), second.Str("username")));
        }
        var usernames = replies.Select(r => r[0].Ok().Json.GetProperty("visitor").Str("username")).ToList();
        Assert.All(usernames, u => Assert.Matches(GuestName(), u));
        Assert.Equal(Visitors, usernames.Distinct().Count());
        Assert.Equal(Visitors, await database.ScalarAsync("SELECT count(*) FROM visitors"));
        Assert.Equal(Visitors, await database.ScalarAsync("SELECT count(DISTINCT \"Username\") FROM visitors"));
        var numbers = usernames.Select(u => int.Parse(u[6..], System.Globalization.CultureInfo.InvariantCulture)).Order().ToList();
        return $"{Visitors} visitors registered on both processes at once ({Visitors / 4} also retried on the other process with the same Idempotency-Key): " +
            $"{usernames.Distinct().Count()} distinct usernames guest-{numbers[0]}…guest-{numbers[^1]}";
    }

    /// <summary>Each visitor asks for its room on both processes at the same moment: one room, one <c>newRoom: true</c>, one agent.</summary>
    async Task<List<JsonElement>> RoomsAsync(ServerProcess[] processes, ServerDatabase database)
    {
        var tokens = await database.DumpAsync("SELECT \"Token\" FROM visitors ORDER BY \"Ts\"");
        var pairs = await Task.WhenAll(tokens.Split('\n').Select((token, i) =>
            Task.WhenAll(SendAsync(processes, i, $"livechat/room?token={token}"), SendAsync(processes, i + 1, $"livechat/room?token={token}"))));

        var rooms = new List<JsonElement>();
        foreach (var pair in pairs)
        {
            var (a, b) = (pair[0].Ok().Json, pair[1].Ok().Json);
            Assert.Equal(a.GetProperty("room").Str("_id"), b.GetProperty("room").Str("_id"));
            Assert.Equal(1, new[] { a, b }.Count(r => r.GetProperty("newRoom").GetBoolean()));
            rooms.Add(a.GetProperty("room"));
        }
        Assert.Equal(Visitors, await database.ScalarAsync("SELECT count(*) FROM rooms"));
        Assert.Equal(0, await database.ScalarAsync("SELECT count(*) FROM rooms WHERE \"ServedById\" IS NULL"));
        Assert.Equal(Visitors, await database.ScalarAsync("SELECT count(*) FROM inquiries WHERE \"Status\" = 'taken'"));
        return rooms;
    }

    /// <summary>Under Manual_Selection, two agents on different processes take each queued inquiry at once: exactly one wins.</summary>
    async Task<string> QueueTakesAsync(ServerProcess[] processes, ApiClient[] admins, List<ApiClient> agents, ServerDatabase database)
    {
        (await admins[0].PostAsync("settings/Livechat_Routing_Method", new { value = "Manual_Selection" })).Ok();
        // The other process reloads settings within two seconds.
        var waited = Stopwatch.StartNew();
        while ((await admins[1].GetAsync("settings/Livechat_Routing_Method")).Json.Str("value") != "Manual_Selection")
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(10), "the second process never saw the routing change");
            await Task.Delay(100);
        }
        var tokens = Enumerable.Range(0, QueuedRooms).Select(_ => TestUsers.Unique("queued")).ToList();
        tokens.ForEach(_secrets.Add);
        await Task.WhenAll(tokens.Select(async (token, i) =>
        {
            (await SendAsync(processes, i, "livechat/visitor", new { visitor = new { token } })).Ok();
            var queuedRoom = (await SendAsync(processes, i + 1, $"livechat/room?token={token}")).Ok().Json.GetProperty("room");
            Assert.False(queuedRoom.TryGetProperty("servedBy", out _));
        }));
        var queued = (await admins[0].GetAsync("livechat/inquiries.queued?count=100")).Ok().Json.GetProperty("inquiries")
            .EnumerateArray().Select(i => i.Str("_id")).ToList();
        Assert.Equal(QueuedRooms, queued.Count);

        var races = await Task.WhenAll(queued.Select((inquiry, i) => Task.WhenAll(
            Record(i % 2, OnProcess(agents[i % 4], processes[i % 2]).PostAsync("livechat/inquiries.take", new { inquiryId = inquiry })),
            Record((i + 1) % 2, OnProcess(agents[(i + 1) % 4], processes[(i + 1) % 2]).PostAsync("livechat/inquiries.take", new { inquiryId = inquiry })))));

        foreach (var race in races)
        {
            Assert.Single(race, r => r.Code == 200);
            Assert.Single(race, r => r.Code == 400 && r.Body.Contains("error-inquiry-taken", StringComparison.Ordinal));
        }
        Assert.Equal(0, await database.ScalarAsync("SELECT count(*) FROM inquiries WHERE \"Status\" <> 'taken'"));
        Assert.Equal(0, await database.ScalarAsync("SELECT count(*) FROM rooms WHERE \"ServedById\" IS NULL"));
        (await admins[0].PostAsync("settings/Livechat_Routing_Method", new { value = "Auto_Selection" })).Ok();
        return $"{QueuedRooms} queued inquiries, each taken by two agents on different processes at once: {QueuedRooms} taken once, {QueuedRooms} refused error-inquiry-taken";
    }

    /// <summary>Saves of different fields of one room from both processes at once all survive; of two If-Match writers one wins.</summary>
    async Task<string> SaveInfoAsync(ApiClient[] admins, JsonElement room)
    {
        var rid = room.Str("_id");
        var vid = room.GetProperty("v").Str("_id");
        var fields = Enumerable.Range(0, Fields).Select(_ => TestUsers.Unique("mf")).ToList();
        foreach (var field in fields)
        {
            (await admins[0].PostAsync("livechat/custom-fields.save", new { customFieldData = new { field, label = field, scope = "room", visibility = "visible" } })).Ok();
        }

        var saves = await Task.WhenAll(fields.Select((field, i) => Record(i % 2, admins[i % 2].PostAsync("livechat/room.saveInfo", new
        {
            guestData = new { _id = vid },
            roomData = new Dictionary<string, object> { ["_id"] = rid, ["livechatData"] = new Dictionary<string, string> { [field] = $"v{i}" } },
        }))));
        Assert.All(saves, s => s.Is(200, """{"success":true}"""));
        var saved = (await admins[1].GetAsync($"rooms.info?roomId={rid}")).Ok().Json.GetProperty("room").GetProperty("livechatData");
        for (var i = 0; i < fields.Count; i++)
        {
            Assert.Equal($"v{i}", saved.Str(fields[i]));
        }

        const int Rounds = 5;
        for (var round = 0; round < Rounds; round++)
        {
            var etag = (await admins[round % 2].GetAsync($"rooms.info?roomId={rid}")).Ok().Headers.ETag!.ToString();
            var pair = await Task.WhenAll(admins.Select((admin, p) => Record(p, admin.SendAsync(IfMatch(rid, vid, $"race-{round}-{p}", etag)))));
            Assert.Single(pair, r => r.Code == 200);
            Assert.Single(pair, r => r.Code == 412 && r.Json.Str("error") == "error-room-modified");
        }
        return $"{Fields} simultaneous saves of different fields of one room from both processes: all {Fields} stored; {Rounds} If-Match races across the processes: one 200 and one 412 each";
    }

    /// <summary>The same agent message with the same Idempotency-Key sent to both processes at once, then retried: sent once, same answer.</summary>
    async Task<string> IdempotentRetriesAsync(ServerProcess[] processes, List<ApiClient> agents, List<JsonElement> rooms, ServerDatabase database)
    {
        const int Keys = 10;
        var agentsById = agents.ToDictionary(a => a.UserId!);
        var served = rooms.Where(r => agentsById.ContainsKey(r.GetProperty("servedBy").Str("_id"))).Take(Keys).ToList();
        await Task.WhenAll(served.Select(async (room, i) =>
        {
            var agent = agentsById[room.GetProperty("servedBy").Str("_id")];
            var key = $"message-{i}";
            var body = new { message = new { rid = room.Str("_id"), msg = $"exactly once {i}" } };
            var first = await Task.WhenAll(Enumerable.Range(0, 2).Select(p =>
                Record(p, OnProcess(agent, processes[p]).SendAsync(WithKey("chat.sendMessage", body, key)))));
            var retry = await Record(i % 2, OnProcess(agent, processes[i % 2]).SendAsync(WithKey("chat.sendMessage", body, key)));
            Assert.All(first.Append(retry), r => Assert.Equal(first[0].Body, r.Ok().Body));
        }));
        for (var i = 0; i < served.Count; i++)
        {
            Assert.Equal(1, await database.ScalarAsync($"SELECT count(*) FROM messages WHERE \"Msg\" = 'exactly once {i}'"));
        }
        return $"{served.Count} agent messages each sent with one Idempotency-Key to both processes at once and retried: each stored once, every answer identical";
    }

    Task<Reply> SendAsync(ServerProcess[] processes, int i, string path, object? body = null, string? key = null)
    {
        var api = _anonymous.GetOrAdd(i % 2, _ => processes[i % 2].Api());
        var request = body is null ? new HttpRequestMessage(HttpMethod.Get, $"/api/v1/{path}") : WithKey(path, body, key);
        return Record(i % 2, api.SendAsync(request));
    }

    async Task<Reply> Record(int process, Task<Reply> call)
    {
        var reply = await call;
        _answers.Enqueue((process, reply.Code));
        return reply;
    }

    static ApiClient OnProcess(ApiClient user, ServerProcess process) =>
        new ApiClient(new HttpClient { BaseAddress = process.Http.BaseAddress }).As(user.UserId!, user.Token!);

    static HttpRequestMessage WithKey(string path, object body, string? key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/{path}")
        {
            Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"),
        };
        if (key is not null) request.Headers.Add("Idempotency-Key", key);
        return request;
    }

    static HttpRequestMessage IfMatch(string rid, string vid, string topic, string etag)
    {
        var request = WithKey("livechat/room.saveInfo", new { guestData = new { _id = vid }, roomData = new { _id = rid, topic } }, null);
        request.Headers.TryAddWithoutValidation("If-Match", etag);
        return request;
    }

    [GeneratedRegex("^guest-[0-9]+$")]
    private static partial Regex GuestName();
}
