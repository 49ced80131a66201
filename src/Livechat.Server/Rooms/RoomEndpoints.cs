using System.Text.Json.Nodes;
using Livechat.Server.Data;
using Livechat.Server.Events;
using Livechat.Server.Hosting;
using Livechat.Server.Mail;
using Livechat.Server.Http;
using Livechat.Server.SaveInfo;
using Livechat.Server.Security;
using Livechat.Server.Settings;
using Livechat.Server.Users;
using Livechat.Server.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Rooms;

public static class RoomEndpoints
{
    // GET  livechat/room              none (5 / 60 s)
    // GET  rooms.info                 auth (+ room access)
    // POST livechat/room.close        none (visitor token)
    // POST livechat/room.closeByUser  close-livechat-room
    // POST livechat/room.saveInfo     view-l-room (+ serving agent or save-others-livechat-room-info; see SaveInfo/SaveInfoEndpoint.cs)
    public static IEndpointRouteBuilder MapRooms(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1").WithTags("Rooms");
        group.MapGet("/livechat/room", GetOrCreate).WithRocketChatRateLimit(5, 60000)
            .WithDescription(AnswersEtag);
        group.MapGet("/rooms.info", Info).RequireRocketChatAuth()
            .WithDescription(AnswersEtag);
        group.MapPost("/livechat/room.close", CloseByVisitor);
        group.MapPost("/livechat/room.closeByUser", CloseByUser).RequirePermission(Permissions.CloseLivechatRoom);
        group.MapPost("/livechat/room.saveInfo", SaveInfoEndpoint.HandleAsync).RequirePermission(Permissions.ViewLRoom).AddEndpointFilter(SaveInfoEndpoint.CountOutcomeAsync)
            .WithDescription("Saves room and guest information in one transaction. Extensions: `If-Match` (412 on a stale version), "
                + "`Prefer: return=representation` (answers `{\"success\":true,\"room\":…,\"visitor\":…}`), `?dryRun=true` "
                + "(answers `{\"success\":true,\"changes\":…}` and writes nothing).")
            .WithOpenApiHeader("If-Match", "The room's ETag (`\"<_version>\"`), a list of them, or `*`: writes only while the room still has it.")
            .WithOpenApiHeader("Prefer", "`return=representation`: answer the saved room and visitor.")
            .WithOpenApiQuery("dryRun", "`true`: run every check and answer the changes without writing.")
            .WithOpenApiResponse("412", "`error-room-modified`: the room changed since the given ETag; `details.room` is the current room.");
        return app;
    }

    const string AnswersEtag = "Answers the room with its `_version` as a strong `ETag` header.";

    static readonly string[] RoomQueryKeys = ["token", "rid", "agentId"];

    static async Task<Results<Ok<LivechatRoomResponse>, ApiError>> GetOrCreate(HttpRequest http, LivechatDb db, SettingsStore settings,
        Writes writes, TimeProvider time, CancellationToken ct)
    {
        // Meteor's check: unknown keys first, in the order given, then the missing required key.
        var query = Schema.FromQuery(http.Query);
        if (MeteorCheck.NoUnknownKeys(query, RoomQueryKeys) is { } unknown) return unknown;
        if ((MeteorCheck.RequireString(query, "token") ?? MeteorCheck.MaybeString(query, "rid") ?? MeteorCheck.MaybeString(query, "agentId"))
            is { } invalid)
        {
            return invalid;
        }
        var token = (string)query["token"]!;
        await RoomQueries.KeepConnectionAsync(db, ct);
        if (await RoomQueries.VisitorAndOpenRoomOfTokenAsync(db, token, ct) is not var (visitor, openRoomId)) return ApiError.Failure("invalid-token");

        if (MeteorCheck.StringOf(query, "rid") is { } rid)
        {
            var room = rid == openRoomId ? await RoomQueries.OpenRoomAsync(db, rid, ct) : null;
            return room is null ? ApiError.Failure("invalid-room") : Answer(http, room, false);
        }
        // Closed since the first read: a new room is opened, as it would have been a moment later.
        if (openRoomId is not null && await RoomQueries.OpenRoomAsync(db, openRoomId, ct) is { } open) return Answer(http, open, false);

        if (!await settings.GetBoolAsync("Livechat_enabled", ct)) return ApiError.Coded("error-omnichannel-is-disabled");
        var isWidget = http.Cookies["rc_room_type"] == "l" && http.Cookies["rc_is_widget"] == "t";
        var source = isWidget ? ("widget", (string?)http.Host.ToString()) : ("api", null);
        try
        {
            var created = await Routing.CreateRoomAsync(db, writes, settings, visitor, MeteorCheck.StringOf(query, "agentId"), source, time.UtcNow(), ct);
            return Answer(http, created, true);
        }
        catch (DbUpdateException)
        {
            // A concurrent request opened the visitor's room first (one open room per visitor is a unique index), or
            // changed the visitor meanwhile: nothing of this one was written; answer with the room that is open.
            db.ChangeTracker.Clear();
            var concurrent = await RoomQueries.OpenRoomOfAsync(db, visitor.Id, ct);
            if (concurrent is null) throw;
            return Answer(http, concurrent, false);
        }
    }

    static Ok<LivechatRoomResponse> Answer(HttpRequest http, LivechatRoom room, bool isNew)
    {
        RoomEtag.Set(http.HttpContext.Response, room.Version);
        return TypedResults.Ok(new LivechatRoomResponse(RoomView.ForVisitor(room), isNew));
    }

    static async Task<Results<Ok<RoomResponse>, ApiError>> Info(HttpRequest http, CurrentUser caller, LivechatDb db,
        PermissionStore permissions, CancellationToken ct)
    {
        var roomId = http.Query["roomId"].ToString();
        var roomName = http.Query["roomName"].ToString();
        if (roomId.Length == 0 && roomName.Length == 0)
        {
            return ApiError.Coded("error-roomid-param-not-provided", "The parameter \"roomId\" or \"roomName\" is required");
        }
        // Livechat rooms have no "name", so a roomName lookup never finds one.
        var room = roomId.Length == 0 ? null : await db.Rooms.AsNoTracking().FirstOrDefaultAsync(r => r.Id == roomId, ct);
        if (room is null)
        {
            return ApiError.Coded("error-room-not-found", "The required \"roomId\" or \"roomName\" param provided does not match any channel");
        }
        if (!await RoomAccess.CanViewAsync(db, permissions, caller, room, ct)) return ApiError.Failure("not-allowed", "Not Allowed");
        RoomEtag.Set(http.HttpContext.Response, room.Version);
        return TypedResults.Ok(new RoomResponse(RoomView.From(room)));
    }

    static readonly ObjectSchema CloseSchema = Schema.Object(("token", Schema.String()), ("rid", Schema.String())).Requires("token", "rid");

    static async Task<Results<Ok<CloseResponse>, ApiError>> CloseByVisitor(JsonBody body, LivechatDb db, SettingsStore settings,
        TimeProvider time, CancellationToken ct)
    {
        var request = (JsonObject)CloseSchema.Validate(body.Root)!;
        var (token, rid) = ((string)request["token"]!, (string)request["rid"]!);
        if (!await settings.GetBoolAsync("Omnichannel_allow_visitors_to_close_conversation", ct))
        {
            return ApiError.Failure("error-not-allowed-to-close-conversation");
        }
        var visitor = await db.Visitors.AsNoTracking().FirstOrDefaultAsync(v => v.Token == token, ct);
        if (visitor is null) return ApiError.Failure("invalid-token");
        var room = await db.Rooms.FirstOrDefaultAsync(r => r.Id == rid && r.VisitorId == visitor.Id, ct);
        if (room is null) return ApiError.Failure("invalid-room");
        if (!room.Open) return ApiError.Failure("room-closed");

        const string comment = "Closed by visitor";
        var closed = await RoomClosing.CloseAsync(db, settings, room, "visitor", visitor.Id, visitor.Username, visitor.Name, comment, [],
            time.UtcNow(), ct);
        return closed ? TypedResults.Ok(new CloseResponse(rid, comment)) : ApiError.Failure("room-closed");
    }

    static readonly ObjectSchema CloseByUserSchema = Schema.Object(
        ("rid", Schema.String()), ("comment", Schema.String()), ("tags", Schema.Array(Schema.String().AtMost(Limits.MaxTagLength)).AtMost(Limits.MaxTags)),
        ("generateTranscriptPdf", Schema.Boolean()), ("transcriptEmail", Schema.Any()), ("forceClose", Schema.Boolean()))
        .Requires("rid");

    static async Task<Results<Ok<SuccessResponse>, ApiError>> CloseByUser(JsonBody body, CurrentUser caller, LivechatDb db,
        SettingsStore settings, PermissionStore permissions, TimeProvider time, CancellationToken ct)
    {
        var request = (JsonObject)CloseByUserSchema.Validate(body.Root)!;
        var rid = (string)request["rid"]!;
        var comment = (string?)request["comment"] ?? "";
        var tags = request["tags"]?.AsArray().Select(t => (string)t!).ToList() ?? [];

        var room = await db.Rooms.FirstOrDefaultAsync(r => r.Id == rid, ct);
        if (room is null) return ApiError.Failure("error-invalid-room");
        if (!room.Open) return ApiError.Failure("error-room-already-closed");
        if (room.ServedById != caller.Id && !await permissions.HasAsync(caller, Permissions.CloseOthersLivechatRoom, ct))
        {
            return ApiError.Failure("error-not-authorized");
        }
        if (await settings.GetBoolAsync("Livechat_request_comment_when_closing_conversation", ct) && comment.Trim().Length == 0)
        {
            return ApiError.Failure("error-comment-is-required");
        }
        if (room.DepartmentId is not null && (room.Tags is not { Count: > 0 }) && tags.Count == 0
            && await db.Departments.AnyAsync(d => d.Id == room.DepartmentId && d.RequestTagBeforeClosingChat == true, ct))
        {
            return ApiError.Failure("error-tags-must-be-assigned-before-closing-chat");
        }
        var (sendTranscript, transcript, invalid) = TranscriptChoice(request["transcriptEmail"]);
        if (invalid is not null) return invalid;
        var name = await db.Users.Where(u => u.Id == caller.Id).Select(u => u.Name).FirstOrDefaultAsync(ct);
        var closed = await RoomClosing.CloseAsync(db, settings, room, "user", caller.Id, caller.Username, name, comment, tags, time.UtcNow(), ct,
            sendTranscript, transcript);
        return closed ? TypedResults.Ok(SuccessResponse.Instance) : ApiError.Failure("error-room-already-closed");
    }

    /// <summary>
    /// <c>transcriptEmail</c>: <c>{sendToVisitor: false}</c> cancels a requested transcript, <c>{sendToVisitor: true,
    /// requestData: {email, subject}}</c> sends one on close (Rocket.Chat's <c>emailTranscript</c>); absent, neither.
    /// </summary>
    static (bool? Send, TranscriptAddress? To, ApiError? Error) TranscriptChoice(JsonNode? node)
    {
        if (node is null) return (null, null, null);
        if (node is not JsonObject choice || choice["sendToVisitor"] is not JsonValue send || !send.TryGetValue(out bool sendToVisitor))
        {
            return (null, null, ApiError.InvalidParams("must have required property 'sendToVisitor'"));
        }
        if (!sendToVisitor) return (false, null, null);
        if (choice["requestData"] is not JsonObject data || data["email"] is not JsonValue email || !email.TryGetValue(out string? address))
        {
            return (null, null, ApiError.InvalidParams("must have required property 'requestData'"));
        }
        if (!EmailAddress.Pattern().IsMatch(address.Trim())) return (null, null, ApiError.Failure("invalid-email"));
        var subject = data["subject"] is JsonValue s && s.TryGetValue(out string? text) ? text : null;
        return (true, new TranscriptAddress(address.Trim(), subject), null);
    }
}
