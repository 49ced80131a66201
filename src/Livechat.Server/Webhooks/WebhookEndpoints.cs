using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Livechat.Server.Data;
using Livechat.Server.Hosting;
using Livechat.Server.Http;
using Livechat.Server.Security;
using Livechat.Server.Settings;
using Livechat.Server.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Webhooks;

/// <summary>One outbox row as the deliveries list shows it (the payload is left out: it holds visitor data).</summary>
public sealed record DeliveryView(
    [property: JsonPropertyName("_id")] string Id,
    string Event,
    string? RoomId,
    string Status,
    int Attempts,
    string? LastError,
    DateTime CreatedAt,
    DateTime? NextAttemptAt,
    DateTime? DeliveredAt);

public sealed record DeliveriesResponse(IReadOnlyList<DeliveryView> Deliveries, int Count, int Offset, int Total) : ApiResponse;

public static class WebhookEndpoints
{
    // GET livechat/webhooks.deliveries   view-livechat-webhooks (admin, livechat-manager)
    public static IEndpointRouteBuilder MapWebhooks(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/v1/livechat").WithTags("Webhooks")
            .MapGet("/webhooks.deliveries", Deliveries).RequirePermission(Permissions.ViewLivechatWebhooks)
            .WithDescription("Recent webhook calls (`LivechatEdit`, `room.updated`, the lifecycle events, `LivechatOfflineMessage`) with status and attempts, newest first. "
                + "Needs `view-livechat-webhooks`.")
            .WithOpenApiQuery("status", "`pending`, `delivered` or `failed`.")
            .WithOpenApiQuery("event", "The event, e.g. `LivechatEdit`, `room.updated`, `LivechatSession`.")
            .WithOpenApiQuery("roomId", "Only this room's calls.");
        // POST livechat/webhook.test        view-livechat-webhooks: Rocket.Chat's sample LivechatSession, sent now
        // POST livechat/webhooks.replay     view-livechat-webhooks: a failed delivery ({_id}) queued again
        var group = app.MapGroup("/api/v1/livechat").WithTags("Webhooks");
        group.MapPost("/webhook.test", Test).RequirePermission(Permissions.ViewLivechatWebhooks)
            .WithDescription("Sends Rocket.Chat's sample `LivechatSession` payload to `Livechat_webhookUrl` at once and answers whether it "
                + "answered 200. Needs `view-livechat-webhooks`.");
        group.MapPost("/webhooks.replay", Replay).RequirePermission(Permissions.ViewLivechatWebhooks)
            .WithDescription("Queues a failed delivery (`{\"_id\"}` from `webhooks.deliveries`) again with its original payload, "
                + "in its place among its room's calls. Needs `view-livechat-webhooks`.");
        return app;
    }

    /// <summary>Recent webhook calls, newest first; <c>?status=</c>, <c>?event=</c> and <c>?roomId=</c> narrow the list.</summary>
    static async Task<Results<Ok<DeliveriesResponse>, ApiError>> Deliveries(HttpRequest http, LivechatDb db, SettingsStore settings,
        CancellationToken ct)
    {
        var paging = await Paging.ReadAsync(http, settings, ct);
        var query = db.OutboxMessages.AsNoTracking();
        var (wanted, invalid) = Outbox.ParseStatus(http);
        if (invalid is not null) return invalid;
        if (wanted is { } only) query = query.Where(m => m.Status == only);
        if (http.Query["event"].ToString() is { Length: > 0 } type) query = query.Where(m => m.Type == type);
        if (http.Query["roomId"].ToString() is { Length: > 0 } roomId) query = query.Where(m => m.RoomId == roomId);
        var total = await query.CountAsync(ct);
        // Without the payloads, which can hold a room's whole history.
        var page = await paging.Apply(query.OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.OrderKey).ThenByDescending(m => m.Id))
            .Select(m => new { m.Id, m.Type, m.RoomId, m.Status, m.Attempts, m.LastError, m.CreatedAt, m.NextAttemptAt, m.DeliveredAt })
            .ToListAsync(ct);
        var views = page.Select(m => new DeliveryView(m.Id, m.Type, m.RoomId, Outbox.StatusNames[(int)m.Status], m.Attempts, m.LastError, m.CreatedAt,
            m.Status == OutboxStatus.Pending ? m.NextAttemptAt : null, m.DeliveredAt)).ToList();
        return TypedResults.Ok(new DeliveriesResponse(views, views.Count, paging.Offset, total));
    }

    /// <summary>Rocket.Chat's <c>livechat/webhook.test</c>: its sample payload, signed as every call; errors as Rocket.Chat's.</summary>
    static async Task<Results<Ok<SuccessResponse>, ApiError>> Test(SettingsStore settings, WebhookWorker worker, TimeProvider time,
        CancellationToken ct)
    {
        var url = await settings.GetStringAsync("Livechat_webhookUrl", ct);
        if (url.Length == 0) return ApiError.Failure("Webhook_URL_not_set");
        var now = JsonSetup.FormatDate(time.UtcNow());
        var sample = new JsonObject
        {
            ["type"] = "LivechatSession",
            ["_id"] = "fasd6f5a4sd6f8a4sdf",
            ["label"] = "title",
            ["topic"] = "asiodojf",
            ["createdAt"] = now,
            ["lastMessageAt"] = now,
            ["tags"] = new JsonArray("tag1", "tag2", "tag3"),
            ["customFields"] = new JsonObject { ["productId"] = "123456" },
            ["visitor"] = new JsonObject
            {
                ["_id"] = "", ["name"] = "visitor name", ["username"] = "visitor-username", ["department"] = "department",
                ["email"] = "email@address.com", ["phone"] = "192873192873", ["ip"] = "123.456.7.89", ["browser"] = "Chrome",
                ["os"] = "Linux", ["customFields"] = new JsonObject { ["customerId"] = "123456" },
            },
            ["agent"] = new JsonObject
            {
                ["_id"] = "asdf89as6df8", ["username"] = "agent.username", ["name"] = "Agent Name", ["email"] = "agent@email.com",
            },
            ["messages"] = new JsonArray(
                new JsonObject { ["username"] = "visitor-username", ["msg"] = "message content", ["ts"] = now },
                new JsonObject { ["username"] = "agent.username", ["agentId"] = "asdf89as6df8", ["msg"] = "message content from agent", ["ts"] = now }),
        };
        return await worker.SendNowAsync(url, sample.ToJsonString(), ct)
            ? TypedResults.Ok(SuccessResponse.Instance)
            : ApiError.Failure("error-invalid-webhook-response");
    }

    static readonly ObjectSchema ReplaySchema = Schema.Object(("_id", Schema.String().AtMost(Limits.MaxShortTextLength))).Requires("_id");

    /// <summary>A failed row back to pending with no attempts, due now; a row in any other state is refused.</summary>
    static async Task<Results<Ok<SuccessResponse>, ApiError>> Replay(JsonBody body, LivechatDb db, WebhookWorker worker, TimeProvider time,
        CancellationToken ct)
    {
        var id = (string)((JsonObject)ReplaySchema.Validate(body.Root)!)["_id"]!;
        var now = time.UtcNow();
        var replayed = await db.OutboxMessages.Where(m => m.Id == id && m.Status == OutboxStatus.Failed)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, OutboxStatus.Pending).SetProperty(m => m.Attempts, 0)
                .SetProperty(m => m.NextAttemptAt, now).SetProperty(m => m.LockedUntil, (DateTime?)null), ct);
        if (replayed == 0)
        {
            return await db.OutboxMessages.AnyAsync(m => m.Id == id, ct)
                ? ApiError.Failure("error-delivery-not-failed")
                : ApiError.Failure("error-invalid-delivery");
        }
        worker.Wake();
        return TypedResults.Ok(SuccessResponse.Instance);
    }
}
