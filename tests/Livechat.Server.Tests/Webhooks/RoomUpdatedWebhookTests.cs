using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Livechat.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Tests.Webhooks;

/// <summary>
/// The <c>room.updated</c> webhook: signed, ordered events for open and closed rooms from the outbox, retried with
/// backoff across a server restart, and <c>GET livechat/webhooks.deliveries</c>.
/// </summary>
public abstract class RoomUpdatedWebhookTests<TFactory>(TFactory factory) : IClassFixture<TFactory> where TFactory : LivechatServerFactory, new()
{
    const string Secret = "hook-secret";

    [Fact]
    public async Task OpenAndClosedRoomChangesArriveSignedAndInOrder()
    {
        using var listener = new WebhookListener();
        var (room, token, agent, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        var vid = room.GetProperty("v").Str("_id");
        await EnableAsync(factory, listener.Url);
        try
        {
            for (var i = 1; i <= 3; i++)
            {
                (await agent.Api.PostAsync("livechat/room.saveInfo", new { guestData = new { _id = vid }, roomData = new { _id = rid, topic = $"topic {i}" } })).Ok();
            }
            (await factory.Anonymous().PostAsync("livechat/message", new { token, rid, msg = "a message is not a room update" })).Ok();
            (await agent.Api.PostAsync("livechat/room.closeByUser", new { rid, comment = "bye" })).Ok();
            (await agent.Api.PostAsync("livechat/room.saveInfo", new { guestData = new { _id = vid }, roomData = new { _id = rid, topic = "after closing" } })).Ok();

            var calls = new List<WebhookListener.Received>();
            for (var i = 0; i < 6; i++) calls.Add(await listener.NextAsync(30));
            await Task.Delay(500);

            Assert.Equal(6, listener.Calls);
            var bodies = calls.Select(c => JsonDocument.Parse(c.Body).RootElement).ToList();
            Assert.Equal(["room.updated", "room.updated", "room.updated", "room.updated", null, "room.updated"],
                bodies.Select(b => b.TryGetProperty("event", out var e) ? e.GetString() : null));
            Assert.Equal("LivechatEdit", bodies[4].Str("type"));
            Assert.All(calls, c => Assert.Equal("sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes(c.Body))), c.Signature));
            Assert.Equal(["topic 1", "topic 2", "topic 3"], bodies.Take(3).Select(b => b.GetProperty("changes").GetProperty("topic").GetProperty("to").GetString()));
            Assert.Equal("""{"from":"topic 1","to":"topic 2"}""", bodies[1].GetProperty("changes").GetProperty("topic").GetRawText());
            var versions = bodies.Where(b => b.TryGetProperty("event", out _)).Select(b => b.GetProperty("room").GetProperty("_version").GetInt32()).ToList();
            Assert.Equal(versions.Order(), versions);

            var first = bodies[0];
            var roomAfter = first.GetProperty("room");
            Assert.Equal(
                $$$"""{"event":"room.updated","room":{{{roomAfter.GetRawText()}}},"changes":{"topic":{"from":null,"to":"topic 1"}},"actor":{"_id":"{{{agent.Id}}}","username":"{{{agent.Username}}}","type":"user"},"ts":"{{{roomAfter.Str("_updatedAt")}}}"}""",
                first.GetRawText());
            Assert.Equal(rid, roomAfter.Str("_id"));
            Assert.Equal("topic 1", roomAfter.Str("topic"));
            // The visitor's token is a credential: room documents leave the server without it (LivechatEdit keeps Rocket.Chat's).
            Assert.False(roomAfter.GetProperty("v").TryGetProperty("token", out _));
            var closed = bodies[3];
            Assert.Equal("""{"from":true,"to":false}""", closed.GetProperty("changes").GetProperty("open").GetRawText());
            Assert.False(closed.GetProperty("room").TryGetProperty("open", out _));
            Assert.Equal("""{"from":"topic 3","to":"after closing"}""", bodies[5].GetProperty("changes").GetProperty("topic").GetRawText());
        }
        finally
        {
            await DisableAsync(factory);
        }
    }

    [Fact]
    public async Task AListenerFailingTwiceGetsTheEventOnceAfterAServerRestart()
    {
        using var listener = new WebhookListener(call => call <= 2 ? 503 : 200);
        using var database = new TFactory();
        var before = new PeerServerFactory(database);
        string rid;
        try
        {
            var (room, _, agent, _) = await before.CreateServedRoomAsync();
            rid = room.Str("_id");
            await EnableAsync(before, listener.Url);
            await before.SetSettingAsync("Livechat_http_timeout", 250);   // retries after 1 s, then 2 s

            (await agent.Api.PostAsync("livechat/room.saveInfo", new { guestData = new { _id = room.GetProperty("v").Str("_id") }, roomData = new { _id = rid, topic = "survives a restart" } })).Ok();

            Assert.Equal(503, (await listener.NextAsync(30)).Status);
            Assert.Equal(503, (await listener.NextAsync(30)).Status);
            // The restart comes once the second failure is recorded (a stop in mid-call would also be safe: the row is released).
            await WaitForAsync(() => before.WithDbAsync(db => db.OutboxMessages.AnyAsync(m => m.RoomId == rid && m.Attempts == 2 && m.LockedUntil == null)));
        }
        finally
        {
            before.Dispose();
        }

        using var after = new PeerServerFactory(database);
        _ = after.Services;   // start the server: its worker finds the pending row
        var delivered = await listener.NextAsync(30);
        await Task.Delay(2500);

        Assert.Equal(200, delivered.Status);
        Assert.Equal(3, listener.Calls);
        Assert.Equal("survives a restart", JsonDocument.Parse(delivered.Body).RootElement.GetProperty("changes").GetProperty("topic").GetProperty("to").GetString());
        var admin = await after.AdminAsync();
        var deliveries = (await admin.GetAsync($"livechat/webhooks.deliveries?roomId={rid}")).Ok().Json.GetProperty("deliveries");
        var row = deliveries[0];
        Assert.Equal(1, deliveries.GetArrayLength());
        Assert.Equal(
            $$"""{"_id":"{{row.Str("_id")}}","event":"room.updated","roomId":"{{rid}}","status":"delivered","attempts":3,"lastError":null,"createdAt":"{{row.Str("createdAt")}}","deliveredAt":"{{row.Str("deliveredAt")}}"}""".Replace("\"lastError\":null,", "", StringComparison.Ordinal),
            row.GetRawText());
    }

    [Fact]
    public async Task DeliveriesListsRecentCallsForWebhookManagersOnly()
    {
        using var listener = new WebhookListener(_ => 500);
        var (room, _, agent, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        await EnableAsync(factory, listener.Url);
        try
        {
            await factory.SetSettingAsync("Livechat_http_timeout", 60000);   // a failure is retried only after 4 minutes
            (await agent.Api.PostAsync("livechat/room.saveInfo", new { guestData = new { _id = room.GetProperty("v").Str("_id") }, roomData = new { _id = rid, topic = "listed" } })).Ok();
            await listener.NextAsync(30);
            await Task.Delay(300);
            var admin = await factory.AdminAsync();

            var pending = (await admin.GetAsync($"livechat/webhooks.deliveries?roomId={rid}&status=pending")).Ok().Json;
            var delivered = (await admin.GetAsync($"livechat/webhooks.deliveries?roomId={rid}&status=delivered")).Ok().Json;

            var row = pending.GetProperty("deliveries")[0];
            Assert.Equal(
                $$"""{"_id":"{{row.Str("_id")}}","event":"room.updated","roomId":"{{rid}}","status":"pending","attempts":1,"lastError":"HTTP 500","createdAt":"{{row.Str("createdAt")}}","nextAttemptAt":"{{row.Str("nextAttemptAt")}}"}""",
                row.GetRawText());
            Assert.Equal((1, 0, 1), (pending.GetProperty("count").GetInt32(), pending.GetProperty("offset").GetInt32(), pending.GetProperty("total").GetInt32()));
            Assert.Equal(0, delivered.GetProperty("total").GetInt32());
            (await admin.GetAsync("livechat/webhooks.deliveries?status=lost")).Is(400,
                """{"success":false,"error":"must be equal to one of the allowed values (status: pending, delivered, failed) [invalid-params]","errorType":"invalid-params"}""");
            (await agent.Api.GetAsync("livechat/webhooks.deliveries")).Is(403, TestData.Forbidden);
        }
        finally
        {
            await DisableAsync(factory);
            await factory.SetSettingAsync("Livechat_http_timeout", 5000);
        }
    }

    static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 300; i++)
        {
            if (await condition()) return;
            await Task.Delay(100);
        }
        Assert.Fail("condition not met within 30 s");
    }

    static async Task EnableAsync(LivechatServerFactory server, string url)
    {
        await server.SetSettingAsync("Livechat_webhookUrl", url);
        await server.SetSettingAsync("Livechat_secret_token", Secret);
        await server.SetSettingAsync("Livechat_webhook_on_room_updated", true);
    }

    static async Task DisableAsync(LivechatServerFactory server)
    {
        await server.SetSettingAsync("Livechat_webhook_on_room_updated", false);
        await server.SetSettingAsync("Livechat_webhookUrl", "");
        await server.SetSettingAsync("Livechat_secret_token", "");
    }
}

public sealed class RoomUpdatedWebhookSqliteTests(SqliteServerFactory factory) : RoomUpdatedWebhookTests<SqliteServerFactory>(factory);

public sealed class RoomUpdatedWebhookPostgresTests(PostgresServerFactory factory) : RoomUpdatedWebhookTests<PostgresServerFactory>(factory);
