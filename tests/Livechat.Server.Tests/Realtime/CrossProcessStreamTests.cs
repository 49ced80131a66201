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
}
