using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Livechat.Server.Data;
using Livechat.Server.Hosting;
using Livechat.Server.Http;
using Livechat.Server.Security;
using Livechat.Server.Settings;
using Livechat.Server.Users;
using Livechat.Server.Validation;
using Livechat.Server.Webhooks;
using Livechat.Server.Widget;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Mail;

/// <summary>One mail outbox row as <c>livechat/mail.deliveries</c> shows it (subject and body left out).</summary>
public sealed record MailDeliveryView(
    [property: JsonPropertyName("_id")] string Id,
    string Kind,
    string? RoomId,
    string To,
    string Status,
    int Attempts,
    string? LastError,
    DateTime CreatedAt,
    DateTime? NextAttemptAt,
    DateTime? SentAt);

public sealed record MailDeliveriesResponse(IReadOnlyList<MailDeliveryView> Deliveries, int Count, int Offset, int Total) : ApiResponse;

public static class MailEndpoints
{
    // POST   livechat/transcript          none (visitor token)
    // POST   livechat/transcript/{rid}    send-omnichannel-chat-transcript
    // DELETE livechat/transcript/{rid}    send-omnichannel-chat-transcript
    // GET    livechat/mail.deliveries     view-livechat-webhooks (admin, livechat-manager)
    public static IEndpointRouteBuilder MapMail(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/livechat").WithTags("Mail");
        group.MapPost("/transcript", SendTranscript)
            .WithDescription("The visitor e-mails the room's transcript to an address. Needs `Livechat_enable_transcript`.");
        group.MapPost("/transcript/{rid}", RequestTranscript).RequirePermission(Permissions.SendOmnichannelChatTranscript)
            .WithDescription("An agent asks for the transcript to be e-mailed when the room closes.");
        group.MapDelete("/transcript/{rid}", CancelTranscript).RequirePermission(Permissions.SendOmnichannelChatTranscript)
            .WithDescription("Withdraws the open room's transcript request.");
        group.MapGet("/mail.deliveries", Deliveries).RequirePermission(Permissions.ViewLivechatWebhooks)
            .WithDescription("Recent e-mails (transcripts, offline messages) with status, attempts and last error, newest first.")
            .WithOpenApiQuery("status", "`pending`, `delivered` or `failed`.")
            .WithOpenApiQuery("roomId", "Only this room's mail.");
        return app;
    }

    static readonly ObjectSchema SendSchema = Schema.Object(("token", Schema.String()), ("rid", Schema.String()), ("email", Schema.String()))
        .Requires("token", "rid", "email");

    /// <summary>
    /// Rocket.Chat's checks (visitor, room of that visitor, address); unlike Rocket.Chat, only while the widget offers
    /// transcripts (<c>Livechat_enable_transcript</c>), so a visitor token is no open mail relay (docs/compatibility.md).
    /// </summary>
    static async Task<Results<Ok<TextMessageResponse>, ApiError>> SendTranscript(JsonBody body, LivechatDb db, SettingsStore settings,
        MailWorker mail, TimeProvider time, CancellationToken ct)
    {
        var request = (JsonObject)SendSchema.Validate(body.Root)!;
        var (token, rid, email) = ((string)request["token"]!, (string)request["rid"]!, ((string)request["email"]!).Trim());
        var visitorId = await db.Visitors.AsNoTracking().Where(v => v.Token == token).Select(v => v.Id).FirstOrDefaultAsync(ct);
        if (visitorId is null) return ApiError.Failure("invalid-token");
        if (!await db.Rooms.AsNoTracking().AnyAsync(r => r.Id == rid && r.VisitorToken == token, ct)) return ApiError.Failure("invalid-room");
        if (!EmailAddress.Pattern().IsMatch(email)) return ApiError.Failure("invalid-email");
        if (!await settings.GetBoolAsync("Livechat_enable_transcript", ct)) return ApiError.Failure("Error sending Livechat transcript");

        await Transcripts.EnqueueAsync(db, settings, rid, visitorId, new TranscriptAddress(email, null), time.UtcNow(), ct);
        await db.SaveChangesAsync(ct);
        mail.Wake();
        return TypedResults.Ok(new TextMessageResponse("Livechat transcript sent"));
    }

    static readonly ObjectSchema RequestSchema = Schema.Object(("email", Schema.String()), ("subject", Schema.String()))
        .Requires("email", "subject");

    /// <summary>Rocket.Chat's <c>requestTranscript</c>: one request per open room, sent when it closes.</summary>
    static async Task<Results<Ok<SuccessResponse>, ApiError>> RequestTranscript(string rid, JsonBody body, CurrentUser caller, LivechatDb db,
        TimeProvider time, CancellationToken ct)
    {
        var request = (JsonObject)RequestSchema.Validate(body.Root)!;
        var email = ((string)request["email"]!).Trim();
        if (!await db.Rooms.AsNoTracking().AnyAsync(r => r.Id == rid && r.Open, ct)) return ApiError.Coded("error-invalid-room", "Invalid room");
        if (await db.TranscriptRequests.AnyAsync(r => r.RoomId == rid, ct))
        {
            return ApiError.Coded("error-transcript-already-requested", "Transcript already requested");
        }
        if (!EmailAddress.Pattern().IsMatch(email)) return ApiError.Failure("invalid-email");
        db.TranscriptRequests.Add(new TranscriptRequest
        {
            RoomId = rid, Email = email, Subject = (string)request["subject"]!, RequestedAt = time.UtcNow(),
            RequestedById = caller.Id, RequestedByUsername = caller.Username,
        });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another request for the room was saved first.
            return ApiError.Coded("error-transcript-already-requested", "Transcript already requested");
        }
        return TypedResults.Ok(SuccessResponse.Instance);
    }

    static async Task<Results<Ok<SuccessResponse>, ApiError>> CancelTranscript(string rid, LivechatDb db, CancellationToken ct)
    {
        if (!await db.Rooms.AsNoTracking().AnyAsync(r => r.Id == rid && r.Open, ct)) return ApiError.Failure("error-invalid-room");
        return await db.TranscriptRequests.Where(r => r.RoomId == rid).ExecuteDeleteAsync(ct) > 0
            ? TypedResults.Ok(SuccessResponse.Instance)
            : ApiError.Failure("error-transcript-not-requested");
    }

    static async Task<Results<Ok<MailDeliveriesResponse>, ApiError>> Deliveries(HttpRequest http, LivechatDb db, SettingsStore settings,
        CancellationToken ct)
    {
        var paging = await Paging.ReadAsync(http, settings, ct);
        var query = db.Mails.AsNoTracking();
        var (wanted, invalid) = Outbox.ParseStatus(http);
        if (invalid is not null) return invalid;
        if (wanted is { } only) query = query.Where(m => m.Status == only);
        if (http.Query["roomId"].ToString() is { Length: > 0 } roomId) query = query.Where(m => m.RoomId == roomId);
        var total = await query.CountAsync(ct);
        var page = await paging.Apply(query.OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id))
            .Select(m => new { m.Id, m.Kind, m.RoomId, m.To, m.Status, m.Attempts, m.LastError, m.CreatedAt, m.NextAttemptAt, m.SentAt })
            .ToListAsync(ct);
        var views = page.Select(m => new MailDeliveryView(m.Id, m.Kind, m.RoomId, m.To, Outbox.StatusNames[(int)m.Status], m.Attempts, m.LastError,
            m.CreatedAt, m.Status == OutboxStatus.Pending ? m.NextAttemptAt : null, m.SentAt)).ToList();
        return TypedResults.Ok(new MailDeliveriesResponse(views, views.Count, paging.Offset, total));
    }
}
