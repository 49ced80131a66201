using Livechat.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Livechat.Server.Tests.Realtime;

/// <summary>
/// Several server processes on one PostgreSQL database: a change committed through one reaches the DDP subscribers
/// connected to another. The second host has its own change feed, relay and subscriptions, as a second process does.
/// </summary>
public sealed class CrossProcessStreamTests(PostgresServerFactory factory) : IClassFixture<PostgresServerFactory>
{
    [Fact]
    public async Task AMessageSentThroughOneProcessReachesSubscribersOfAnother()
    {
        var (room, token, agent, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        await using var second = factory.WithWebHostBuilder(_ => { });
        await using var visitor = await DdpClient.ConnectAsync(second);
        await using var agentDdp = await DdpClient.ConnectAsync(second);
        await agentDdp.CallAsync("login", new { resume = agent.Api.Token });
        await visitor.SubscribeAsVisitorAsync("stream-room-messages", rid, token);
        await agentDdp.SubscribeAsUserAsync("stream-notify-user", $"{agent.Id}/rooms-changed");

        (await agent.Api.PostAsync("chat.sendMessage", new { message = new { rid, msg = "from the first process" } })).Ok();
        (await agent.Api.PostAsync("livechat/room.saveInfo", new
        {
            guestData = new { _id = room.GetProperty("v").Str("_id") },
            roomData = new { _id = rid, topic = "Across processes" },
        })).Ok();
        var message = await visitor.NextEventAsync("stream-room-messages", rid);
        var changed = await agentDdp.NextEventAsync("stream-notify-user", $"{agent.Id}/rooms-changed",
            a => (string?)a[1]?["topic"] == "Across processes");

        Assert.Equal("from the first process", (string?)message[0]!["msg"]);
        Assert.Equal("updated", (string?)changed[0]);
    }

    [Fact]
    public async Task ALogoutAndARoleRemovalThroughOneProcessEndTheSessionsOfAnother()
    {
        var (room, _, _, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        var admin = await factory.AdminAsync();
        var manager = await factory.CreateUserAsync();
        var other = await factory.CreateUserAsync();
        (await admin.PostAsync("livechat/users/manager", new { username = manager.Username })).Ok();
        (await admin.PostAsync("livechat/users/manager", new { username = other.Username })).Ok();
        await using var second = factory.WithWebHostBuilder(_ => { });
        await using var loggedOut = await DdpClient.ConnectAsync(second);
        await using var demoted = await DdpClient.ConnectAsync(second);
        await loggedOut.CallAsync("login", new { resume = manager.Api.Token });
        await demoted.CallAsync("login", new { resume = other.Api.Token });
        var logoutSub = (string)(await loggedOut.SubscribeAsUserAsync("stream-room-messages", rid))["subs"]![0]!;
        var roleSub = (string)(await demoted.SubscribeAsUserAsync("stream-livechat-room", rid))["subs"]![0]!;

        Assert.Equal(200, (await manager.Api.PostAsync("logout")).Code);
        (await admin.DeleteAsync($"livechat/users/manager/{other.Id}")).Ok();
        var ended = await loggedOut.NextAsync(m => (string?)m["msg"] == "nosub" && (string?)m["id"] == logoutSub);
        var refused = await demoted.NextAsync(m => (string?)m["msg"] == "nosub" && (string?)m["id"] == roleSub);

        Assert.Equal(403, (int)ended["error"]!["error"]!);
        Assert.Equal("not-allowed", (string?)refused["error"]!["error"]);
    }
}
