using System.Text.Json;
using Livechat.Server.Tests.Infrastructure;

namespace Livechat.Server.Tests.SaveInfo;

/// <summary>The LivechatEdit CRM webhook of room.saveInfo (room-saveInfo §8), received by a real local listener.</summary>
public abstract class SaveInfoWebhookTests<TFactory>(TFactory factory) : IClassFixture<TFactory> where TFactory : LivechatServerFactory
{
    [Fact]
    public async Task ClosedRoomEditSendsLivechatEditAndStoresCrmData()
    {
        using var listener = new WebhookListener(answer: "crm-42");
        var (room, token, agent, department) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        (await factory.Anonymous().PostAsync("livechat/message", new { token, rid, msg = "Hello" })).Ok();
        (await agent.Api.PostAsync("chat.sendMessage", new { message = new { rid, msg = "Hi!" } })).Ok();
        await factory.SetSettingAsync("Livechat_webhookUrl", listener.Url);
        await factory.SetSettingAsync("Livechat_secret_token", "s3cret");
        try
        {
            // an open room never sends LivechatEdit: the first call the listener sees is the closed room's
            (await agent.Api.PostAsync("livechat/room.saveInfo", new { guestData = new { _id = room.GetProperty("v").Str("_id") }, roomData = new { _id = rid, topic = "open edit" } })).Ok();
            (await agent.Api.PostAsync("livechat/room.closeByUser", new { rid, comment = "Thanks" })).Ok();

            (await agent.Api.PostAsync("livechat/room.saveInfo", new { guestData = new { _id = room.GetProperty("v").Str("_id"), name = "Jane Roe" }, roomData = new { _id = rid, topic = "Billing", tags = new[] { "vip" } } })).Is(200, """{"success":true}""");

            var call = await listener.NextAsync();
            Assert.Equal("s3cret", call.Token);
            Assert.Equal("application/json", call.ContentType);
            var payload = JsonDocument.Parse(call.Body).RootElement;
            Assert.Equal("LivechatEdit", payload.Str("type"));
            Assert.Equal(rid, payload.Str("_id"));
            Assert.Equal("Jane Roe", payload.Str("label"));
            Assert.Equal("Billing", payload.Str("topic"));
            Assert.Equal("""["vip"]""", payload.GetProperty("tags").GetRawText());
            Assert.Equal(room.Str("ts"), payload.Str("createdAt"));
            var visitor = payload.GetProperty("visitor");
            Assert.Equal(token, visitor.Str("token"));
            Assert.Equal("Jane Roe", visitor.Str("name"));
            Assert.Equal(department, visitor.Str("department"));
            Assert.Equal($$"""{"_id":"{{agent.Id}}","username":"{{agent.Username}}","name":"Name {{agent.Username}}","email":"{{agent.Username}}@example.com"}""",
                payload.GetProperty("agent").GetRawText());
            var messages = payload.GetProperty("messages").EnumerateArray().ToList();
            Assert.Equal(["Hello", "Hi!", "Thanks"], messages.Select(m => m.Str("msg")));
            Assert.False(messages[0].TryGetProperty("agentId", out _));
            Assert.Equal(agent.Id, messages[1].Str("agentId"));
            Assert.True(messages[2].GetProperty("closingMessage").GetBoolean());
            Assert.Equal(["_id", "username", "msg", "ts", "rid", "_updatedAt"], messages[0].EnumerateObject().Select(p => p.Name));

            await WaitForAsync(async () => (await RoomAsync(rid)).TryGetProperty("crmData", out var crm) && crm.GetString() == "crm-42");
        }
        finally
        {
            await factory.SetSettingAsync("Livechat_webhookUrl", "");
            await factory.SetSettingAsync("Livechat_secret_token", "");
        }
    }

    [Fact]
    public async Task FailingListenerIsRetriedUntilItAnswers200()
    {
        using var listener = new WebhookListener(call => call <= 2 ? 503 : 200);
        var (room, _, agent, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        (await agent.Api.PostAsync("livechat/room.closeByUser", new { rid, comment = "bye" })).Ok();
        await factory.SetSettingAsync("Livechat_http_timeout", 100);
        await factory.SetSettingAsync("Livechat_webhookUrl", listener.Url);
        try
        {
            (await agent.Api.PostAsync("livechat/room.saveInfo", new { guestData = new { _id = room.GetProperty("v").Str("_id") }, roomData = new { _id = rid } })).Ok();

            var first = await listener.NextAsync();
            var second = await listener.NextAsync();
            var third = await listener.NextAsync();
            Assert.Equal(first.Body, second.Body);
            Assert.Equal(first.Body, third.Body);
            await WaitForAsync(async () => (await RoomAsync(rid)).TryGetProperty("crmData", out _));
            await Task.Delay(600);
            Assert.Equal(3, listener.Calls);
        }
        finally
        {
            await factory.SetSettingAsync("Livechat_webhookUrl", "");
            await factory.SetSettingAsync("Livechat_http_timeout", 5000);
        }
    }

    [Fact]
    public async Task ARedirectIsNotFollowedAndFailsTheDelivery()
    {
        using var target = new WebhookListener();
        using var listener = new WebhookListener(_ => 307) { Location = target.Url };
        var (room, rid, agent) = await ClosedRoomAsync();
        await factory.SetSettingAsync("Livechat_webhookUrl", listener.Url);
        try
        {
            (await agent.Api.PostAsync("livechat/room.saveInfo", new { guestData = new { _id = room.GetProperty("v").Str("_id") }, roomData = new { _id = rid } })).Ok();

            Assert.Equal(307, (await listener.NextAsync()).Status);
            var delivery = await DeliveryAsync(rid, "failed");
            Assert.Equal("HTTP 307", delivery.Str("lastError"));
            Assert.Equal(1, delivery.GetProperty("attempts").GetInt32());
            Assert.Equal(0, target.Calls);
            Assert.False((await RoomAsync(rid)).TryGetProperty("crmData", out _));
        }
        finally
        {
            await factory.SetSettingAsync("Livechat_webhookUrl", "");
        }
    }

    [Theory]
    [InlineData(64 * 1024, true)]
    [InlineData(64 * 1024 + 1, false)]
    public async Task AnAnswerIsKeptAsCrmDataUpTo64KiB(int length, bool kept)
    {
        var answer = new string('c', length);
        using var listener = new WebhookListener(answer: answer);
        var (room, rid, agent) = await ClosedRoomAsync();
        await factory.SetSettingAsync("Livechat_webhookUrl", listener.Url);
        try
        {
            (await agent.Api.PostAsync("livechat/room.saveInfo", new { guestData = new { _id = room.GetProperty("v").Str("_id") }, roomData = new { _id = rid } })).Ok();

            var delivery = await DeliveryAsync(rid, "delivered");
            var stored = (await RoomAsync(rid)).TryGetProperty("crmData", out var crm) ? crm.GetString() : null;
            Assert.Equal(kept ? answer : null, stored);
            Assert.Equal(kept ? null : "answer longer than 65536 bytes, not stored as crmData",
                delivery.TryGetProperty("lastError", out var error) ? error.GetString() : null);
        }
        finally
        {
            await factory.SetSettingAsync("Livechat_webhookUrl", "");
        }
    }

    async Task<(JsonElement Room, string Rid, TestUser Agent)> ClosedRoomAsync()
    {
        var (room, _, agent, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        (await agent.Api.PostAsync("livechat/room.closeByUser", new { rid, comment = "bye" })).Ok();
        return (room, rid, agent);
    }

    /// <summary>The room's LivechatEdit delivery once it has <paramref name="status"/> (after the crmData write, if any, committed with it).</summary>
    async Task<JsonElement> DeliveryAsync(string rid, string status)
    {
        JsonElement found = default;
        await WaitForAsync(async () =>
        {
            var list = (await (await factory.AdminAsync()).GetAsync($"livechat/webhooks.deliveries?roomId={rid}&event=LivechatEdit&status={status}")).Ok().Json;
            if (list.GetProperty("total").GetInt32() == 0) return false;
            found = list.GetProperty("deliveries")[0];
            return true;
        });
        return found;
    }

    async Task<JsonElement> RoomAsync(string id) =>
        (await (await factory.AdminAsync()).GetAsync($"rooms.info?roomId={id}")).Ok().Json.GetProperty("room");

    static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 100; i++)
        {
            if (await condition()) return;
            await Task.Delay(100);
        }
        Assert.Fail("condition not met within 10 s");
    }
}

public sealed class SaveInfoWebhookSqliteTests(SqliteServerFactory factory) : SaveInfoWebhookTests<SqliteServerFactory>(factory);

public sealed class SaveInfoWebhookPostgresTests(PostgresServerFactory factory) : SaveInfoWebhookTests<PostgresServerFactory>(factory);
