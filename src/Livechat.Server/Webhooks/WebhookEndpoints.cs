using System.Text.Json.Serialization;
using Livechat.Server.Data;
using Livechat.Server.Hosting;
using Livechat.Server.Http;
using Livechat.Server.Security;
using Livechat.Server.Settings;
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
            .WithDescription("Recent webhook calls (`LivechatEdit`, `room.updated`) with status and attempts, newest first. "
                + "Needs `view-livechat-webhooks`.")
            .WithOpenApiQuery("status", "`pending`, `delivered` or `failed`.")
            .WithOpenApiQuery("event", "`LivechatEdit` or `room.updated`.")
            .WithOpenApiQuery("roomId", "Only this room's calls.");
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
}
