using System.Text.Json;
using Livechat.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Tests.SaveInfo;

/// <summary>Optimistic concurrency for room.saveInfo: <c>_version</c> as a strong ETag, <c>If-Match</c> → 412.</summary>
public abstract class SaveInfoIfMatchTests<TFactory>(TFactory factory) : IClassFixture<TFactory> where TFactory : LivechatServerFactory
{
    [Fact]
    public async Task SingleRoomAnswersCarryTheVersionAsETag()
    {
        var (room, token, agent, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");

        var info = (await agent.Api.GetAsync($"rooms.info?roomId={rid}")).Ok();
        var widget = (await factory.Anonymous().GetAsync($"livechat/room?token={token}")).Ok();
        var list = (await agent.Api.GetAsync($"livechat/rooms?agents[]={agent.Id}")).Ok();

        var version = info.Json.GetProperty("room").GetProperty("_version").GetInt32();
        Assert.Equal($"\"{version}\"", info.Headers.ETag!.ToString());
        Assert.False(info.Headers.ETag.IsWeak);
        Assert.Equal($"\"{version}\"", widget.Headers.ETag!.ToString());
        Assert.Equal(version, list.Json.GetProperty("rooms")[0].GetProperty("_version").GetInt32());
    }

    [Fact]
    public async Task StaleIfMatchAnswers412WithTheCurrentRoomAndChangesNothing()
    {
        var (room, _, agent, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        var etag = await ETagAsync(agent.Api, rid);
        (await agent.Api.PostAsync("livechat/room.saveInfo", Body(room, "first"))).Is(200, """{"success":true}""");
        var events = await EventCountAsync(rid);

        var reply = await SaveAsync(agent.Api, room, "second", etag);

        var current = (await agent.Api.GetAsync($"rooms.info?roomId={rid}")).Ok();
        var currentRoom = current.Json.GetProperty("room");
        reply.Is(412, $$$"""{"success":false,"error":"error-room-modified","errorType":"error-room-modified","details":{"room":{{{currentRoom.GetRawText()}}}}}""");
        Assert.Equal(current.Headers.ETag!.ToString(), reply.Headers.ETag!.ToString());
        Assert.Equal("first", currentRoom.Str("topic"));
        Assert.Equal(events, await EventCountAsync(rid));
    }

    [Fact]
    public async Task CurrentIfMatchWritesAndMovesTheETag()
    {
        var (room, _, agent, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        var etag = await ETagAsync(agent.Api, rid);

        (await SaveAsync(agent.Api, room, "matched", etag)).Is(200, """{"success":true}""");
        (await SaveAsync(agent.Api, room, "any", "*")).Is(200, """{"success":true}""");
        (await SaveAsync(agent.Api, room, "listed", $"\"999999\", {await ETagAsync(agent.Api, rid)}")).Is(200, """{"success":true}""");
        var weak = await SaveAsync(agent.Api, room, "weak", $"W/{await ETagAsync(agent.Api, rid)}");

        Assert.Equal(412, weak.Code);
        var saved = (await agent.Api.GetAsync($"rooms.info?roomId={rid}")).Ok();
        Assert.Equal("listed", saved.Json.GetProperty("room").Str("topic"));
        Assert.Equal($"\"{int.Parse(etag.Trim('"'), System.Globalization.CultureInfo.InvariantCulture) + 3}\"", saved.Headers.ETag!.ToString());
    }

    [Fact]
    public async Task PermissionIsCheckedBeforeThePrecondition()
    {
        var (room, _, _, _) = await factory.CreateServedRoomAsync();
        var other = await factory.CreateAgentAsync();

        var reply = await SaveAsync(other.Api, room, "x", "\"999999\"");

        reply.Is(403, """{"success":false,"error":"unauthorized"}""");
    }

    [Fact]
    public async Task OfTwoRacingWritersWithTheSameETagExactlyOneWins()
    {
        var (room, _, agent, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        var etag = await ETagAsync(agent.Api, rid);

        var replies = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => SaveAsync(agent.Api, room, $"racer-{i}", etag)));

        Assert.Single(replies, r => r.Code == 200);
        Assert.Equal(5, replies.Count(r => r.Code == 412));
        var winner = Array.FindIndex(replies, r => r.Code == 200);
        Assert.Equal($"racer-{winner}", (await agent.Api.GetAsync($"rooms.info?roomId={rid}")).Ok().Json.GetProperty("room").Str("topic"));
    }

    static object Body(JsonElement room, string topic) =>
        new { guestData = new { _id = room.GetProperty("v").Str("_id") }, roomData = new { _id = room.Str("_id"), topic } };

    static Task<Reply> SaveAsync(ApiClient api, JsonElement room, string topic, string ifMatch)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/livechat/room.saveInfo")
        {
            Content = JsonContent(Body(room, topic)),
        };
        request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return api.SendAsync(request);
    }

    static StringContent JsonContent(object body) => new(JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json");

    static async Task<string> ETagAsync(ApiClient api, string rid) => (await api.GetAsync($"rooms.info?roomId={rid}")).Ok().Headers.ETag!.ToString();

    Task<int> EventCountAsync(string rid) => factory.WithDbAsync(db => db.ChangeEvents.CountAsync(e => e.RoomId == rid));
}

public sealed class SaveInfoIfMatchSqliteTests(SqliteServerFactory factory) : SaveInfoIfMatchTests<SqliteServerFactory>(factory);

public sealed class SaveInfoIfMatchPostgresTests(PostgresServerFactory factory) : SaveInfoIfMatchTests<PostgresServerFactory>(factory);
