using System.Text.Json;
using Livechat.Server.Tests.Infrastructure;

namespace Livechat.Server.Tests.SaveInfo;

/// <summary>Concurrent saves of one room never drop each other's fields (issue: nothing lost).</summary>
public abstract class SaveInfoConcurrencyTests<TFactory>(TFactory factory) : IClassFixture<TFactory> where TFactory : LivechatServerFactory
{
    [Fact]
    public async Task ConcurrentSavesOfDifferentFieldsAllSurvive()
    {
        var (room, _, agent, _) = await factory.CreateServedRoomAsync();
        var admin = await factory.AdminAsync();
        var rid = room.Str("_id");
        var vid = room.GetProperty("v").Str("_id");
        var fields = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            var field = TestUsers.Unique("cc");
            (await admin.PostAsync("livechat/custom-fields.save", new { customFieldData = new { field, label = field, scope = "room", visibility = "visible" } })).Ok();
            fields.Add(field);
        }

        var saves = fields.Select((field, i) => agent.Api.PostAsync("livechat/room.saveInfo", new
        {
            guestData = new { _id = vid },
            roomData = new Dictionary<string, object> { ["_id"] = rid, ["livechatData"] = new Dictionary<string, string> { [field] = $"value-{i}" } },
        })).Append(agent.Api.PostAsync("livechat/room.saveInfo", new { guestData = new { _id = vid }, roomData = new { _id = rid, topic = "concurrent topic" } }))
          .Append(agent.Api.PostAsync("livechat/room.saveInfo", new { guestData = new { _id = vid, name = "Concurrent Name" }, roomData = new { _id = rid, tags = new[] { "concurrent" } } }));
        var replies = await Task.WhenAll(saves);

        Assert.All(replies, r => r.Is(200, """{"success":true}"""));
        var saved = (await admin.GetAsync($"rooms.info?roomId={rid}")).Ok().Json.GetProperty("room");
        Assert.Equal("concurrent topic", saved.Str("topic"));
        Assert.Equal("""["concurrent"]""", saved.GetProperty("tags").GetRawText());
        Assert.Equal("Concurrent Name", saved.Str("fname"));
        var data = saved.GetProperty("livechatData");
        for (var i = 0; i < fields.Count; i++)
        {
            Assert.Equal($"value-{i}", data.Str(fields[i]));
        }
    }

    [Fact]
    public async Task ConcurrentSavesOfTheSameNewFieldAllAnswerAndOneValueStays()
    {
        var (room, _, agent, _) = await factory.CreateServedRoomAsync();
        var admin = await factory.AdminAsync();
        var rid = room.Str("_id");
        var vid = room.GetProperty("v").Str("_id");
        var field = TestUsers.Unique("same");
        (await admin.PostAsync("livechat/custom-fields.save", new { customFieldData = new { field, label = field, scope = "room", visibility = "visible" } })).Ok();

        // Each save adds the same row to the room's field table: the losers run again on the saved room, none fails.
        var replies = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => agent.Api.PostAsync("livechat/room.saveInfo", new
        {
            guestData = new { _id = vid },
            roomData = new Dictionary<string, object> { ["_id"] = rid, ["livechatData"] = new Dictionary<string, string> { [field] = $"value-{i}" } },
        })));

        Assert.All(replies, r => r.Is(200, """{"success":true}"""));
        var saved = (await admin.GetAsync($"rooms.info?roomId={rid}")).Ok().Json.GetProperty("room");
        var value = saved.GetProperty("livechatData").Str(field);
        Assert.Matches("^value-[0-7]$", value);
        // The filter's side table agrees with the room.
        var found = (await admin.GetAsync($"livechat/rooms?customFields={Uri.EscapeDataString($$"""{"{{field}}":"{{value}}"}""")}")).Ok().Json;
        Assert.Equal(rid, found.GetProperty("rooms").EnumerateArray().Single().Str("_id"));
    }
}

public sealed class SaveInfoConcurrencySqliteTests(SqliteServerFactory factory) : SaveInfoConcurrencyTests<SqliteServerFactory>(factory);

public sealed class SaveInfoConcurrencyPostgresTests(PostgresServerFactory factory) : SaveInfoConcurrencyTests<PostgresServerFactory>(factory);
