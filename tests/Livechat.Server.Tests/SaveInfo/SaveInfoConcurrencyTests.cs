using System.Text.Json;
using Livechat.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

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
        var fields = await RoomFieldsAsync(admin, "cc", 8);

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

    [Fact]
    public async Task SimultaneousSavesAndMessagesOfOneRoomAllAnswerAndNothingIsLost()
    {
        var (room, token, agent, _) = await factory.CreateServedRoomAsync();
        var admin = await factory.AdminAsync();
        var visitor = factory.Anonymous();
        var rid = room.Str("_id");
        var vid = room.GetProperty("v").Str("_id");
        var fields = await RoomFieldsAsync(admin, "mix", 3);
        var priorities = (await admin.GetAsync("livechat/priorities")).Ok().Json.GetProperty("priorities").EnumerateArray().Select(p => p.Str("_id")).ToList();
        var deadlocks = factory.Services.GetRequiredService<Livechat.Server.Data.Writes>().Deadlocks;

        // Every save rewrites the room and its tag and field rows (tags in different orders, so two saves add the same
        // rows in opposite orders); every other one renames the visitor, every third sets the priority (both also
        // write the inquiry); meanwhile visitor and agent messages append to the room.
        string[][] tagSets = [["red", "green", "blue"], ["blue", "green", "red"], ["green", "red"], ["blue", "red", "green"]];
        var saves = Enumerable.Range(0, 12).Select(i =>
        {
            var roomData = new Dictionary<string, object>
            {
                ["_id"] = rid, ["topic"] = $"topic {i}", ["tags"] = tagSets[i % tagSets.Length],
                ["livechatData"] = fields.Select((f, k) => (f, k)).Where(x => (i + x.k) % 2 == 0).ToDictionary(x => x.f, x => $"v{i}"),
            };
            if (i % 3 == 0) roomData["priorityId"] = priorities[i / 3 % priorities.Count];
            var guestData = new Dictionary<string, object> { ["_id"] = vid };
            if (i % 2 == 0) guestData["name"] = $"Name {i}";
            return agent.Api.PostAsync("livechat/room.saveInfo", new { guestData, roomData });
        });
        var messages = Enumerable.Range(0, 12).Select(i => i % 2 == 0
            ? visitor.PostAsync("livechat/message", new { token, rid, msg = $"visitor {i}" })
            : agent.Api.PostAsync("chat.sendMessage", new { message = new { rid, msg = $"agent {i}" } }));
        var replies = await Task.WhenAll(saves.Concat(messages));

        Assert.All(replies.Take(12), r => r.Is(200, """{"success":true}"""));
        Assert.All(replies.Skip(12), r => r.Ok());
        var saved = (await admin.GetAsync($"rooms.info?roomId={rid}")).Ok().Json.GetProperty("room");
        var last = int.Parse(saved.Str("topic")["topic ".Length..], System.Globalization.CultureInfo.InvariantCulture);
        // The last save to commit is whole (its topic and its tags); the name and the priority are those of one of the
        // saves that sent them.
        Assert.Equal(tagSets[last % tagSets.Length], saved.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Contains(saved.Str("fname"), Enumerable.Range(0, 6).Select(i => $"Name {2 * i}"));
        Assert.Contains(saved.Str("priorityId"), priorities);
        // Each field keeps the value of one of the saves that sent it.
        var data = saved.GetProperty("livechatData");
        for (var k = 0; k < fields.Count; k++)
        {
            var value = data.Str(fields[k]);
            Assert.Contains(value, Enumerable.Range(0, 12).Where(i => (i + k) % 2 == 0).Select(i => $"v{i}"));
            var found = (await admin.GetAsync($"livechat/rooms?customFields={Uri.EscapeDataString($$"""{"{{fields[k]}}":"{{value}}"}""")}")).Ok().Json;
            Assert.Equal(rid, found.GetProperty("rooms").EnumerateArray().Single().Str("_id"));
        }
        // The tag table agrees with the room: each tag finds it.
        foreach (var tag in tagSets[last % tagSets.Length])
        {
            var byTag = (await admin.GetAsync($"livechat/rooms?tags[]={tag}&count=100")).Ok().Json.GetProperty("rooms");
            Assert.Contains(rid, byTag.EnumerateArray().Select(r => r.Str("_id")));
        }
        // All 12 messages are stored and counted (besides the saves' priority history messages).
        var history = (await visitor.GetAsync($"livechat/messages.history/{rid}?token={token}&limit=100")).Ok().Json.GetProperty("messages");
        var texts = history.EnumerateArray().Where(m => m.TryGetProperty("t", out _) is false).Select(m => m.Str("msg")).Order();
        Assert.Equal(Enumerable.Range(0, 12).Select(i => i % 2 == 0 ? $"visitor {i}" : $"agent {i}").Order(), texts);
        Assert.Equal(history.GetArrayLength(), saved.GetProperty("msgs").GetInt32());
        // No write waited for PostgreSQL's deadlock detector (a second each): rows are locked room first.
        Assert.Equal(deadlocks, factory.Services.GetRequiredService<Livechat.Server.Data.Writes>().Deadlocks);
    }

    static async Task<List<string>> RoomFieldsAsync(ApiClient admin, string prefix, int count)
    {
        var fields = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var field = TestUsers.Unique(prefix);
            (await admin.PostAsync("livechat/custom-fields.save", new { customFieldData = new { field, label = field, scope = "room", visibility = "visible" } })).Ok();
            fields.Add(field);
        }
        return fields;
    }
}

public sealed class SaveInfoConcurrencySqliteTests(SqliteServerFactory factory) : SaveInfoConcurrencyTests<SqliteServerFactory>(factory);

public sealed class SaveInfoConcurrencyPostgresTests(PostgresServerFactory factory) : SaveInfoConcurrencyTests<PostgresServerFactory>(factory);
