using System.Text.Json;
using Livechat.Server.Tests.Infrastructure;

namespace Livechat.Server.Tests.Rooms;

public abstract class RoomListEndpointsTests<TFactory>(TFactory factory) : IClassFixture<TFactory> where TFactory : LivechatServerFactory
{
    static List<string> Ids(Reply reply) => reply.Ok().Json.GetProperty("rooms").EnumerateArray().Select(r => r.Str("_id")).ToList();

    [Fact]
    public async Task ListFiltersByDepartmentAndAddsTheDepartment()
    {
        var (room, _, agent, department) = await factory.CreateServedRoomAsync();
        var admin = await factory.AdminAsync();

        var reply = await admin.GetAsync($"livechat/rooms?departmentId={department}");

        var listed = reply.Ok().Json.GetProperty("rooms")[0];
        var name = listed.GetProperty("department").Str("name");
        var expected = room.AsStaffSeeIt()[..^1] + $$""","department":{"_id":"{{department}}","name":"{{name}}"}""" + "}";
        reply.Is(200, $$"""{"rooms":[{{expected}}],"count":1,"offset":0,"total":1,"success":true}""");
        Assert.Equal([room.Str("_id")], Ids(await agent.Api.GetAsync($"livechat/rooms?agents[]={agent.Id}")));
    }

    [Fact]
    public async Task ListFiltersByOpenQueuedTagsAndCustomFields()
    {
        var (open, _, agent, department) = await factory.CreateServedRoomAsync();
        var (token, _) = await factory.CreateVisitorAsync(department);
        var closed = await factory.OpenRoomAsync(token, agent);
        (await agent.Api.PostAsync("livechat/room.closeByUser", new { rid = closed.Str("_id"), comment = "c", tags = new List<string> { "Billing" } })).Ok();
        await SetLivechatDataAsync(open.Str("_id"), "order", "A-17");
        var admin = await factory.AdminAsync();
        var scope = $"departmentId={department}";

        Assert.Equal([open.Str("_id")], Ids(await admin.GetAsync($"livechat/rooms?{scope}&open=true")));
        Assert.Equal([closed.Str("_id")], Ids(await admin.GetAsync($"livechat/rooms?{scope}&open=false")));
        Assert.Equal([closed.Str("_id")], Ids(await admin.GetAsync($"livechat/rooms?{scope}&tags[]=Billing")));
        Assert.Empty(Ids(await admin.GetAsync($"livechat/rooms?{scope}&queued=true")));
        Assert.Empty(Ids(await admin.GetAsync($"livechat/rooms?{scope}&onhold=true")));
        var fields = Uri.EscapeDataString("""{"order":"a-1"}""");
        Assert.Equal([open.Str("_id")], Ids(await admin.GetAsync($"livechat/rooms?{scope}&customFields={fields}")));
        var range = Uri.EscapeDataString(JsonSerializer.Serialize(new { start = "2000-01-01T00:00:00.000Z" }));
        Assert.Equal(2, Ids(await admin.GetAsync($"livechat/rooms?{scope}&createdAt={range}")).Count);
        Assert.Equal([closed.Str("_id")], Ids(await admin.GetAsync($"livechat/rooms?{scope}&closedAt={range}")));
    }

    [Fact]
    public async Task TagFilterCountsEachRoomOnceAloneAndWithOtherFilters()
    {
        var (both, _, agent, department) = await factory.CreateServedRoomAsync();
        var (token, _) = await factory.CreateVisitorAsync();
        var other = await factory.OpenRoomAsync(token, agent);
        var (a, b) = ($"a-{Guid.NewGuid():N}", $"b-{Guid.NewGuid():N}");
        await SetTagsAsync(both.Str("_id"), a, b);
        await SetTagsAsync(other.Str("_id"), a);
        var admin = await factory.AdminAsync();

        // Without another filter the total comes from the tag index alone; a room with both tags counts once.
        var reply = await admin.GetAsync($"livechat/rooms?tags[]={a}&tags[]={b}&count=1");
        Assert.Equal((1, 2), (reply.Ok().Json.GetProperty("count").GetInt32(), reply.Json.GetProperty("total").GetInt32()));
        Assert.Equal(2, (await admin.GetAsync($"livechat/rooms?tags[]={a}")).Ok().Json.GetProperty("total").GetInt32());
        Assert.Equal([both.Str("_id")], Ids(await admin.GetAsync($"livechat/rooms?tags[]={b}")));
        // With another filter only the rooms matching both count.
        reply = await admin.GetAsync($"livechat/rooms?tags[]={a}&departmentId={department}");
        Assert.Equal([both.Str("_id")], Ids(reply));
        Assert.Equal(1, reply.Json.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task CustomFieldFilterFollowsEditsOfTheValue()
    {
        var (room, _, _, department) = await factory.CreateServedRoomAsync();
        var admin = await factory.AdminAsync();
        var (first, second) = ($"Q-{Guid.NewGuid():N}", $"R-{Guid.NewGuid():N}");
        string Query(string value) => $"livechat/rooms?departmentId={department}&customFields=" + Uri.EscapeDataString($$"""{"order":"{{value}}"}""");

        await SetLivechatDataAsync(room.Str("_id"), "order", first);
        Assert.Equal([room.Str("_id")], Ids(await admin.GetAsync(Query(first[2..12].ToUpperInvariant()))));

        // The search index follows an edit of the value: the old value no longer matches, the new one does.
        await SetLivechatDataAsync(room.Str("_id"), "order", second);
        Assert.Empty(Ids(await admin.GetAsync(Query(first[2..12]))));
        Assert.Equal([room.Str("_id")], Ids(await admin.GetAsync(Query(second[2..12]))));
        // Values shorter than three characters are searched without the index, with the same meaning.
        Assert.Equal([room.Str("_id")], Ids(await admin.GetAsync(Query("r-"))));
    }

    async Task SetTagsAsync(string rid, params string[] tags)
    {
        var admin = await factory.AdminAsync();
        var room = (await admin.GetAsync($"rooms.info?roomId={rid}")).Ok().Json.GetProperty("room");
        (await admin.PostAsync("livechat/room.saveInfo", new
        {
            guestData = new { _id = room.GetProperty("v").Str("_id") },
            roomData = new { _id = rid, tags },
        })).Is(200, """{"success":true}""");
    }

    async Task SetLivechatDataAsync(string rid, string key, string value)
    {
        var admin = await factory.AdminAsync();
        // Defined once per database; a second definition of the same field answers "already exists", which is fine here.
        await admin.PostAsync("livechat/custom-fields.save", new { customFieldData = new { field = key, label = key, scope = "room", visibility = "visible" } });
        var room = (await admin.GetAsync($"rooms.info?roomId={rid}")).Ok().Json.GetProperty("room");
        (await admin.PostAsync("livechat/room.saveInfo", new
        {
            guestData = new { _id = room.GetProperty("v").Str("_id") },
            roomData = new Dictionary<string, object> { ["_id"] = rid, ["livechatData"] = new Dictionary<string, string> { [key] = value } },
        })).Is(200, """{"success":true}""");
    }

    [Fact]
    public async Task ListAnswersPermissionAndValidationErrors()
    {
        var agent = await factory.CreateAgentAsync();
        var admin = await factory.AdminAsync();

        (await agent.Api.GetAsync("livechat/rooms")).Is(403, """{"success":false,"error":"unauthorized"}""");
        (await agent.Api.GetAsync($"livechat/rooms?agents[]={agent.Id}")).Ok();
        (await admin.GetAsync("livechat/rooms?agents=x")).Is(400, """{"success":false,"error":"must be array [invalid-params]","errorType":"invalid-params"}""");
        (await admin.GetAsync("livechat/rooms?bogus=1")).Is(400,
            """{"success":false,"error":"must NOT have additional properties [invalid-params]","errorType":"invalid-params"}""");
        (await admin.GetAsync("livechat/rooms?customFields=nope")).Is(400,
            """{"success":false,"error":"The \"customFields\" query parameter must be a valid JSON."}""");
        var badDate = Uri.EscapeDataString("""{"start":"nope"}""");
        (await admin.GetAsync($"livechat/rooms?createdAt={badDate}")).Is(400,
            """{"success":false,"error":"The \"createdAt.start\" query parameter must be a valid date."}""");
    }
}

public sealed class RoomListEndpointsSqliteTests(SqliteServerFactory factory) : RoomListEndpointsTests<SqliteServerFactory>(factory);

public sealed class RoomListEndpointsPostgresTests(PostgresServerFactory factory) : RoomListEndpointsTests<PostgresServerFactory>(factory);
