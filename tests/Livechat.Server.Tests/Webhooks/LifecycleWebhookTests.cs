using System.Text.Json;
using Livechat.Server.Tests.Infrastructure;

namespace Livechat.Server.Tests.Webhooks;

/// <summary>
/// Rocket.Chat's lifecycle CRM calls through the outbox, each behind its <c>Livechat_webhook_on_*</c> setting, in order
/// per room; <c>livechat/webhook.test</c>; a replay of a failed delivery; the widget's chime.
/// </summary>
public abstract class LifecycleWebhookTests<TFactory>(TFactory factory) : IClassFixture<TFactory> where TFactory : LivechatServerFactory, new()
{
    static readonly string[] Settings =
    [
        "Livechat_webhook_on_start", "Livechat_webhook_on_close", "Livechat_webhook_on_chat_queued", "Livechat_webhook_on_chat_taken",
        "Livechat_webhook_on_forward", "Livechat_webhook_on_visitor_message", "Livechat_webhook_on_agent_message", "Livechat_webhook_on_capture",
    ];

    [Fact]
    public async Task AChatFromStartToCloseSendsEachEventInOrder()
    {
        using var listener = new WebhookListener();
        var agent = await factory.CreateAgentAsync();
        var other = await factory.CreateAgentAsync();
        var department = await factory.CreateDepartmentAsync(null, agent, other);
        await SetAllAsync(true, listener.Url);
        try
        {
            var (token, visitor) = await factory.CreateVisitorAsync(department, "Lead Visitor");
            var room = await factory.OpenRoomAsync(token, agent);
            var rid = room.Str("_id");
            (await factory.Anonymous().PostAsync("livechat/message", new { token, rid, msg = "write me at lead@example.com" })).Ok();
            (await agent.Api.PostAsync("chat.sendMessage", new { message = new { rid, msg = "Sure." } })).Ok();
            var admin = await factory.AdminAsync();
            (await admin.PostAsync("livechat/room.forward", new { roomId = rid, userId = other.Id })).Ok();
            (await other.Api.PostAsync("livechat/room.closeByUser", new { rid, comment = "Done" })).Ok();

            var bodies = new List<JsonElement>();
            for (var i = 0; i < 7; i++) bodies.Add(JsonDocument.Parse((await listener.NextAsync(30)).Body).RootElement);
            await Task.Delay(500);
            Assert.Equal(7, listener.Calls);
            Assert.Equal(["LivechatSessionStart", "LivechatSessionTaken", "Message", "LeadCapture", "Message", "LivechatSessionForwarded", "LivechatSession"],
                bodies.Select(b => b.Str("type")));
            Assert.All(bodies, b => Assert.Equal(rid, b.Str("_id")));
            Assert.All(bodies, b => Assert.Equal(visitor.Str("_id"), b.GetProperty("visitor").Str("_id")));

            Assert.False(bodies[0].TryGetProperty("departmentId", out _));   // Rocket.Chat adds none to the start event
            Assert.Equal(department, bodies[1].Str("departmentId"));
            Assert.Equal(agent.Id, bodies[1].GetProperty("servedBy").Str("_id"));
            Assert.Equal(agent.Username, bodies[1].GetProperty("agent").Str("username"));

            var visitorMessage = bodies[2].GetProperty("messages");
            Assert.Equal(1, visitorMessage.GetArrayLength());
            Assert.Equal("write me at lead@example.com", visitorMessage[0].Str("msg"));
            Assert.False(visitorMessage[0].TryGetProperty("agentId", out _));
            Assert.False(bodies[3].TryGetProperty("messages", out _));
            Assert.Contains(bodies[3].GetProperty("visitor").GetProperty("email").EnumerateArray(), e => e.Str("address") == "lead@example.com");
            Assert.Equal(agent.Id, bodies[4].GetProperty("messages")[0].Str("agentId"));

            Assert.Equal(other.Id, bodies[5].GetProperty("servedBy").Str("_id"));
            Assert.Equal(agent.Id, bodies[5].GetProperty("oldServedBy").Str("_id"));

            var session = bodies[6];
            Assert.Equal("user", session.Str("closer"));
            Assert.Equal(other.Id, session.GetProperty("closedBy").Str("_id"));
            Assert.True(session.TryGetProperty("closedAt", out _));
            var messages = session.GetProperty("messages").EnumerateArray().ToList();
            Assert.Equal(["write me at lead@example.com", "Sure.", "Done"], messages.Select(m => m.Str("msg")));
            Assert.True(messages[2].GetProperty("closingMessage").GetBoolean());
        }
        finally
        {
            await SetAllAsync(false, "");
        }
    }

    [Fact]
    public async Task AQueuedChatSendsQueuedThenTaken()
    {
        using var listener = new WebhookListener();
        await SetAllAsync(true, listener.Url);
        await factory.SetSettingAsync("Livechat_webhook_on_start", false);
        try
        {
            var room = await factory.OpenQueuedRoomAsync();
            var agent = await factory.CreateAgentAsync();
            (await agent.Api.PostAsync("livechat/inquiries.take", new { inquiryId = await InquiryIdAsync(room.Str("_id")), userId = agent.Id })).Ok();
            var queued = JsonDocument.Parse((await listener.NextAsync(30)).Body).RootElement;
            var taken = JsonDocument.Parse((await listener.NextAsync(30)).Body).RootElement;
            Assert.Equal("LivechatSessionQueued", queued.Str("type"));
            Assert.False(queued.TryGetProperty("servedBy", out _));
            Assert.Equal("LivechatSessionTaken", taken.Str("type"));
            Assert.Equal(agent.Id, taken.GetProperty("servedBy").Str("_id"));
        }
        finally
        {
            await SetAllAsync(false, "");
        }
    }

    async Task<string> InquiryIdAsync(string rid)
    {
        var admin = await factory.AdminAsync();
        var inquiries = (await admin.GetAsync("livechat/inquiries.queued")).Ok().Json.GetProperty("inquiries");
        return inquiries.EnumerateArray().First(i => i.Str("rid") == rid).Str("_id");
    }

    [Fact]
    public async Task WithEverySettingOffNothingIsSent()
    {
        using var listener = new WebhookListener();
        await factory.SetSettingAsync("Livechat_webhookUrl", listener.Url);
        try
        {
            var (room, token, agent, _) = await factory.CreateServedRoomAsync();
            var rid = room.Str("_id");
            (await factory.Anonymous().PostAsync("livechat/message", new { token, rid, msg = "call me on 0123 4567 8901" })).Ok();
            (await agent.Api.PostAsync("chat.sendMessage", new { message = new { rid, msg = "Sure." } })).Ok();
            (await agent.Api.PostAsync("livechat/room.closeByUser", new { rid, comment = "Done" })).Ok();
            await Task.Delay(2000);
            Assert.Equal(0, listener.Calls);
        }
        finally
        {
            await factory.SetSettingAsync("Livechat_webhookUrl", "");
        }
    }

    [Fact]
    public async Task WebhookTestSendsRocketChatsSampleOrSaysWhy()
    {
        var admin = await factory.AdminAsync();
        (await admin.PostAsync("livechat/webhook.test")).Is(400, """{"success":false,"error":"Webhook_URL_not_set"}""");
        using var listener = new WebhookListener();
        await factory.SetSettingAsync("Livechat_webhookUrl", listener.Url);
        try
        {
            (await admin.PostAsync("livechat/webhook.test")).Is(200, """{"success":true}""");
            var sample = JsonDocument.Parse((await listener.NextAsync()).Body).RootElement;
            Assert.Equal("LivechatSession", sample.Str("type"));
            Assert.Equal("fasd6f5a4sd6f8a4sdf", sample.Str("_id"));
            Assert.Equal(2, sample.GetProperty("messages").GetArrayLength());
            using var failing = new WebhookListener(_ => 500);
            await factory.SetSettingAsync("Livechat_webhookUrl", failing.Url);
            (await admin.PostAsync("livechat/webhook.test")).Is(400, """{"success":false,"error":"error-invalid-webhook-response"}""");
            var agent = await factory.CreateAgentAsync();
            Assert.Equal(403, (await agent.Api.PostAsync("livechat/webhook.test")).Code);
        }
        finally
        {
            await factory.SetSettingAsync("Livechat_webhookUrl", "");
        }
    }

    [Fact]
    public async Task AFailedDeliveryIsReplayed()
    {
        using var listener = new WebhookListener(call => call == 1 ? 400 : 200);
        await factory.SetSettingAsync("Livechat_webhookUrl", listener.Url);
        await factory.SetSettingAsync("Livechat_webhook_on_close", true);
        try
        {
            var (room, _, agent, _) = await factory.CreateServedRoomAsync();
            var rid = room.Str("_id");
            (await agent.Api.PostAsync("livechat/room.closeByUser", new { rid, comment = "Done" })).Ok();
            var first = await listener.NextAsync(30);
            Assert.Equal(400, first.Status);
            var admin = await factory.AdminAsync();
            JsonElement row = default;
            for (var i = 0; i < 50; i++)
            {
                row = (await admin.GetAsync($"livechat/webhooks.deliveries?roomId={rid}&event=LivechatSession")).Ok().Json.GetProperty("deliveries")[0];
                if (row.Str("status") == "failed") break;
                await Task.Delay(100);
            }
            Assert.Equal("failed", row.Str("status"));
            (await admin.PostAsync("livechat/webhooks.replay", new { _id = row.Str("_id") })).Is(200, """{"success":true}""");
            var again = await listener.NextAsync(30);
            Assert.Equal(first.Body, again.Body);
            Assert.Equal(200, again.Status);
            (await admin.PostAsync("livechat/webhooks.replay", new { _id = "nope" })).Is(400, """{"success":false,"error":"error-invalid-delivery"}""");
        }
        finally
        {
            await factory.SetSettingAsync("Livechat_webhook_on_close", false);
            await factory.SetSettingAsync("Livechat_webhookUrl", "");
        }
    }

    [Fact]
    public async Task TheWidgetsChimeIsAWaveFile()
    {
        using var client = factory.CreateClient();
        using var response = await client.GetAsync("/sounds/chime.mp3");
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("audio/wav", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("RIFF", System.Text.Encoding.ASCII.GetString(bytes, 0, 4));
        Assert.Equal("WAVE", System.Text.Encoding.ASCII.GetString(bytes, 8, 4));
        Assert.True(bytes.Length > 10_000);
    }

    async Task SetAllAsync(bool on, string url)
    {
        await factory.SetSettingAsync("Livechat_webhookUrl", url);
        foreach (var id in Settings) await factory.SetSettingAsync(id, on);
    }
}

public sealed class LifecycleWebhookSqliteTests(SqliteServerFactory factory) : LifecycleWebhookTests<SqliteServerFactory>(factory);


public sealed class LifecycleWebhookPostgresTests(PostgresServerFactory factory) : LifecycleWebhookTests<PostgresServerFactory>(factory);
