using System.Text.Json;
using Livechat.Server.Rooms;
using Livechat.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Tests.Slas;

public abstract class SlaEndpointsTests<TFactory>(TFactory factory) : IClassFixture<TFactory> where TFactory : LivechatServerFactory
{
    static int _due = 1000;

    /// <summary>Due times are unique per SLA, so every test takes fresh ones.</summary>
    static int NextDue() => Interlocked.Increment(ref _due);

    async Task<(string Id, string Json)> CreateAsync(string name, int due, string? description = null)
    {
        var admin = await factory.AdminAsync();
        var reply = (await admin.PostAsync("livechat/sla", description is null
            ? new { name, dueTimeInMinutes = due } : (object)new { name, description, dueTimeInMinutes = due })).Ok();
        var sla = reply.Json.GetProperty("sla");
        return (sla.GetProperty("_id").GetString()!, sla.GetRawText());
    }

    [Fact]
    public async Task CreatingAnSlaAnswersTheSlaAndGetAnswersItsFieldsMergedWithSuccess()
    {
        var admin = await factory.AdminAsync();
        var name = TestUsers.Unique("Gold");
        var due = NextDue();

        var created = await admin.PostAsync("livechat/sla", new { name, description = "fast", dueTimeInMinutes = due });

        var id = created.Json.GetProperty("sla").GetProperty("_id").GetString()!;
        var updatedAt = created.Json.GetProperty("sla").GetProperty("_updatedAt").GetString()!;
        Assert.Matches("^[0-9a-f]{24}$", id);
        created.Is(200, $$"""{"sla":{"_id":"{{id}}","name":"{{name}}","description":"fast","dueTimeInMinutes":{{due}},"_updatedAt":"{{updatedAt}}"},"success":true}""");
        (await admin.GetAsync($"livechat/sla/{id}")).Is(200,
            $$"""{"_id":"{{id}}","name":"{{name}}","description":"fast","dueTimeInMinutes":{{due}},"_updatedAt":"{{updatedAt}}","success":true}""");
    }

    [Fact]
    public async Task CreatingAnSlaWithoutDescriptionOmitsItAndCoercesANumericString()
    {
        var admin = await factory.AdminAsync();
        var name = TestUsers.Unique("Silver");
        var due = NextDue();

        var reply = await admin.PostAsync("livechat/sla", $$"""{"name":"{{name}}","dueTimeInMinutes":"{{due}}"}""");

        var sla = reply.Ok().Json.GetProperty("sla");
        Assert.False(sla.TryGetProperty("description", out _));
        Assert.Equal(due, sla.GetProperty("dueTimeInMinutes").GetInt32());
    }

    [Fact]
    public async Task CreatingAnSlaWithTheNameOrDueTimeOfAnotherAnswersDuplicatedSla()
    {
        var admin = await factory.AdminAsync();
        var name = TestUsers.Unique("Dup");
        var due = NextDue();
        await CreateAsync(name, due);

        var sameName = await admin.PostAsync("livechat/sla", new { name, dueTimeInMinutes = NextDue() });
        var sameDue = await admin.PostAsync("livechat/sla", new { name = TestUsers.Unique("Other"), dueTimeInMinutes = due });

        sameName.Is(400, """{"success":false,"error":"error-duplicated-sla"}""");
        sameDue.Is(400, """{"success":false,"error":"error-duplicated-sla"}""");
    }

    [Theory]
    [InlineData("""{"dueTimeInMinutes":5}""", "must have required property 'name'")]
    [InlineData("""{"name":"x"}""", "must have required property 'dueTimeInMinutes'")]
    [InlineData("""{"name":"x","dueTimeInMinutes":5,"extra":1}""", "must NOT have additional properties")]
    [InlineData("""{"name":"x","dueTimeInMinutes":1.5}""", "must be integer")]
    [InlineData("""{"name":"x","dueTimeInMinutes":-1}""", "must be >= 0")]
    [InlineData("""{"name":"x","dueTimeInMinutes":2147483648}""", "must be <= 2147483647")]
    [InlineData("""{"name":"x","dueTimeInMinutes":"soon"}""", "must be integer")]
    [InlineData("""{"name":{},"dueTimeInMinutes":5}""", "must be string")]
    public async Task CreatingAnSlaWithAnInvalidBodyAnswersInvalidParams(string body, string message)
    {
        var admin = await factory.AdminAsync();

        var reply = await admin.PostAsync("livechat/sla", body);

        reply.Is(400, $$"""{"success":false,"error":"{{message}} [invalid-params]","errorType":"invalid-params"}""");
    }

    [Fact]
    public async Task ListingSlasFiltersByTextPagesAndSorts()
    {
        var admin = await factory.AdminAsync();
        var prefix = TestUsers.Unique("list");
        var (a, aJson) = await CreateAsync($"{prefix}-a", NextDue());
        var (b, bJson) = await CreateAsync($"{prefix}-b", NextDue(), "second");
        var (c, _) = await CreateAsync(TestUsers.Unique("zz"), NextDue(), $"about {prefix.ToUpperInvariant()}");

        var byName = await admin.GetAsync($"livechat/sla?text={prefix}&count=2");
        var byDueDesc = await admin.GetAsync($"livechat/sla?text={prefix}&sort={{\"dueTimeInMinutes\":-1}}&offset=1&count=1");

        byName.Is(200, $$"""{"sla":[{{aJson}},{{bJson}}],"count":2,"offset":0,"total":3,"success":true}""");
        Assert.Equal(b, byDueDesc.Ok().Json.GetProperty("sla")[0].GetProperty("_id").GetString());
        Assert.Equal(3, byDueDesc.Json.GetProperty("total").GetInt32());
        Assert.NotEqual(a, c);
    }

    [Fact]
    public async Task ListingSlasWithAnInvalidSortAnswersInvalidSort()
    {
        var admin = await factory.AdminAsync();

        var reply = await admin.GetAsync("livechat/sla?sort={\"name\":2}");

        reply.Is(400, """{"success":false,"error":"Invalid sort parameter provided: \"{\"name\":2}\" [error-invalid-sort]","errorType":"error-invalid-sort"}""");
    }

    [Fact]
    public async Task GettingAnUnknownSlaAnswers404()
    {
        var admin = await factory.AdminAsync();

        var reply = await admin.GetAsync("livechat/sla/0123456789abcdef01234567");

        reply.Is(404, """{"success":false,"error":"SLA with id 0123456789abcdef01234567 not found"}""");
    }

    [Fact]
    public async Task UpdatingAnSlaReplacesItsFieldsAndAnswersTheSla()
    {
        var admin = await factory.AdminAsync();
        var (id, _) = await CreateAsync(TestUsers.Unique("Upd"), NextDue(), "old");
        var name = TestUsers.Unique("Renamed");
        var due = NextDue();

        var reply = await admin.PutAsync($"livechat/sla/{id}", new { name, dueTimeInMinutes = due });

        var updatedAt = reply.Json.GetProperty("sla").GetProperty("_updatedAt").GetString();
        reply.Is(200, $$"""{"sla":{"_id":"{{id}}","name":"{{name}}","dueTimeInMinutes":{{due}},"_updatedAt":"{{updatedAt}}"},"success":true}""");
    }

    [Fact]
    public async Task UpdatingAnUnknownOrDuplicatingSlaAnswersTheSpecErrors()
    {
        var admin = await factory.AdminAsync();
        var taken = TestUsers.Unique("Taken");
        await CreateAsync(taken, NextDue());
        var (id, _) = await CreateAsync(TestUsers.Unique("Mine"), NextDue());

        var unknown = await admin.PutAsync("livechat/sla/0123456789abcdef01234567", new { name = "x", dueTimeInMinutes = NextDue() });
        var duplicate = await admin.PutAsync($"livechat/sla/{id}", new { name = taken, dueTimeInMinutes = NextDue() });
        var invalid = await admin.PutAsync($"livechat/sla/{id}", new { name = "x", dueTimeInMinutes = -5 });

        unknown.Is(404, """{"success":false,"error":"SLA with id 0123456789abcdef01234567 not found"}""");
        duplicate.Is(400, """{"success":false,"error":"error-duplicated-sla"}""");
        invalid.Is(400, """{"success":false,"error":"must be >= 0 [invalid-params]","errorType":"invalid-params"}""");
    }

    [Fact]
    public async Task DeletingAnSlaRemovesItAndAnUnknownOneAnswersNotFound()
    {
        var admin = await factory.AdminAsync();
        var (id, _) = await CreateAsync(TestUsers.Unique("Del"), NextDue());

        var deleted = await admin.DeleteAsync($"livechat/sla/{id}");
        var again = await admin.DeleteAsync($"livechat/sla/{id}");

        deleted.Is(200, """{"success":true}""");
        again.Is(400, $$"""{"success":false,"error":"SLA with id {{id}} not found"}""");
        (await admin.GetAsync($"livechat/sla/{id}")).Is(404, $$"""{"success":false,"error":"SLA with id {{id}} not found"}""");
    }

    [Fact]
    public async Task SlaRoutesAnswer403WithoutThePermissionAndReadsNeedOnlyViewLRoom()
    {
        var user = await factory.CreateUserAsync();
        var agent = await factory.CreateUserAsync("user", "livechat-agent");
        var (id, json) = await CreateAsync(TestUsers.Unique("Perm"), NextDue());

        (await user.Api.GetAsync("livechat/sla")).Is(403, TestData.Forbidden);
        (await user.Api.GetAsync($"livechat/sla/{id}")).Is(403, TestData.Forbidden);
        (await agent.Api.PostAsync("livechat/sla", new { name = "x", dueTimeInMinutes = NextDue() })).Is(403, TestData.Forbidden);
        (await agent.Api.PutAsync($"livechat/sla/{id}", new { name = "x", dueTimeInMinutes = NextDue() })).Is(403, TestData.Forbidden);
        (await agent.Api.DeleteAsync($"livechat/sla/{id}")).Is(403, TestData.Forbidden);
        (await agent.Api.GetAsync($"livechat/sla/{id}")).Ok();
        Assert.Contains(id, (await agent.Api.GetAsync("livechat/sla?count=0")).Ok().Body);
        Assert.NotEmpty(json);
        (await factory.Anonymous().GetAsync("livechat/sla")).Is(401,
            """{"success":false,"error":"You must be logged in to do this.","status":"error","message":"You must be logged in to do this."}""");
    }

    [Fact]
    public async Task SlaDueTimeChangeAndDeletionCascadeToRoomsAndInquiries()
    {
        var admin = await factory.AdminAsync();
        var name = TestUsers.Unique("Cascade");
        var (id, _) = await CreateAsync(name, NextDue());
        var queued = await factory.OpenQueuedRoomAsync();
        var (closed, _, agent, _) = await factory.CreateServedRoomAsync();
        var (other, _, _, _) = await factory.CreateServedRoomAsync();
        foreach (var room in new[] { queued, closed })
        {
            (await admin.PostAsync("livechat/room.saveInfo", new { guestData = new { _id = room.GetProperty("v").Str("_id") }, roomData = new { _id = room.Str("_id"), slaId = id } })).Ok();
        }
        (await agent.Api.PostAsync("livechat/room.closeByUser", new { rid = closed.Str("_id"), comment = "done" })).Ok();
        var versionBefore = (await RoomAsync(queued)).GetProperty("_version").GetInt32();
        var due = NextDue();

        (await admin.PutAsync($"livechat/sla/{id}", new { name, dueTimeInMinutes = due })).Ok();

        Assert.Equal(due, (await RoomAsync(queued)).GetProperty("estimatedWaitingTimeQueue").GetInt32());
        Assert.Equal(due, (await RoomAsync(closed)).GetProperty("estimatedWaitingTimeQueue").GetInt32());
        Assert.True((await RoomAsync(queued)).GetProperty("_version").GetInt32() > versionBefore);
        Assert.Equal(LivechatRoom.NoSlaWaitingTime, (await RoomAsync(other)).GetProperty("estimatedWaitingTimeQueue").GetInt32());
        Assert.Equal(due, (await InquiryAsync(queued)).GetProperty("estimatedWaitingTimeQueue").GetInt32());

        (await admin.DeleteAsync($"livechat/sla/{id}")).Is(200, """{"success":true}""");

        foreach (var room in new[] { queued, closed })
        {
            var after = await RoomAsync(room);
            Assert.False(after.TryGetProperty("slaId", out _));
            Assert.Equal(LivechatRoom.NoSlaWaitingTime, after.GetProperty("estimatedWaitingTimeQueue").GetInt32());
        }
        var inquiry = await InquiryAsync(queued);
        Assert.False(inquiry.TryGetProperty("slaId", out _));
        Assert.Equal(LivechatRoom.NoSlaWaitingTime, inquiry.GetProperty("estimatedWaitingTimeQueue").GetInt32());
    }

    [Fact]
    public async Task AnSlaEditSendsItsRoomsToTheirAgentAndItsRemovalIsInTheirAuditLog()
    {
        var admin = await factory.AdminAsync();
        var name = TestUsers.Unique("Events");
        var (id, _) = await CreateAsync(name, NextDue());
        var (room, _, agent, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        (await admin.PostAsync("livechat/room.saveInfo", new { guestData = new { _id = room.GetProperty("v").Str("_id") }, roomData = new { _id = rid, slaId = id } })).Ok();
        var before = await RoomAsync(room);
        await using var agentDdp = await DdpClient.LoginAsync(factory, agent);
        await agentDdp.SubscribeAsUserAsync("stream-notify-user", $"{agent.Id}/rooms-changed");
        var due = NextDue();

        (await admin.PutAsync($"livechat/sla/{id}", new { name, dueTimeInMinutes = due })).Ok();
        var changed = await agentDdp.NextEventAsync("stream-notify-user", $"{agent.Id}/rooms-changed",
            a => (string?)a[1]?["_id"] == rid && (int?)a[1]?["estimatedWaitingTimeQueue"] == due);
        (await admin.DeleteAsync($"livechat/sla/{id}")).Ok();
        var removed = await agentDdp.NextEventAsync("stream-notify-user", $"{agent.Id}/rooms-changed",
            a => (string?)a[1]?["_id"] == rid && a[1]?["slaId"] is null);

        Assert.Equal("updated", (string?)changed[0]);
        Assert.Equal(before.GetProperty("_version").GetInt32() + 1, (int)changed[1]!["_version"]!);
        Assert.Equal(before.GetProperty("_version").GetInt32() + 2, (int)removed[1]!["_version"]!);
        var after = await RoomAsync(room);
        Assert.Equal(Ms(after.Str("_updatedAt")), (long)removed[1]!["_updatedAt"]!["$date"]!);
        Assert.True(Ms(after.Str("_updatedAt")) > Ms(before.Str("_updatedAt")));
        var log = (await admin.GetAsync($"livechat/room.auditLog?roomId={rid}")).Ok().Json.GetProperty("entries");
        var admins = (await admin.GetAsync("me")).Ok().Json;
        Assert.Equal(
            $$$$"""{"roomId":"{{{{rid}}}}","type":"room.updated","actor":{"_id":"{{{{admins.Str("_id")}}}}","username":"{{{{admins.Str("username")}}}}","type":"user"},"source":"rest","changes":{"slaId":{"from":"{{{{id}}}}","to":null}}}""",
            WithoutIdAndTs(log[0]));
    }

    static long Ms(string? date) => DateTimeOffset.Parse(date!, System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();

    static string WithoutIdAndTs(JsonElement entry)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(entry.GetRawText())!.AsObject();
        node.Remove("_id");
        node.Remove("ts");
        return node.ToJsonString();
    }

    async Task<JsonElement> RoomAsync(JsonElement room) =>
        (await (await factory.AdminAsync()).GetAsync($"rooms.info?roomId={room.Str("_id")}")).Ok().Json.GetProperty("room");

    async Task<JsonElement> InquiryAsync(JsonElement room) =>
        (await (await factory.AdminAsync()).GetAsync("livechat/inquiries.queued?count=0")).Ok().Json.GetProperty("inquiries")
            .EnumerateArray().Single(i => i.Str("rid") == room.Str("_id"));
}

public sealed class SlaEndpointsSqliteTests(SqliteServerFactory factory) : SlaEndpointsTests<SqliteServerFactory>(factory);

public sealed class SlaEndpointsPostgresTests(PostgresServerFactory factory) : SlaEndpointsTests<PostgresServerFactory>(factory);
