using System.Text.Json.Nodes;
using Livechat.Server.Data;
using Livechat.Server.Events;
using Livechat.Server.Http;
using Livechat.Server.Messages;
using Livechat.Server.Rooms;
using Livechat.Server.Security;
using Livechat.Server.Settings;
using Livechat.Server.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Handover;

public static class HandoverEndpoints
{
    // POST livechat/room.forward                view-l-room + transfer-livechat-guest
    // POST livechat/room.transfer               none (visitor token; Livechat_allow_switching_departments)
    // GET  livechat/transfer.history/{rid}      view-livechat-rooms
    // POST livechat/inquiries.returnAsInquiry   view-l-room (+ room access)
    // GET  livechat/room.join                   view-l-room (+ room access)
    public static IEndpointRouteBuilder MapHandover(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/livechat").WithTags("Hand-over");
        group.MapPost("/room.forward", Forward).RequirePermission(Permissions.ViewLRoom, Permissions.TransferLivechatGuest)
            .WithSummary("Forwards a chat to an agent (`userId`) or a department (`departmentId`)")
            .WithDescription("The agent must be available with room for another chat; the room's department must allow the target "
                + "(`departmentsAllowedToForward`). A department with nobody free passes the chat to its `fallbackForwardDepartment`, "
                + "or keeps it in its queue. Adds a `livechat_transfer_history` message.");
        group.MapPost("/room.transfer", TransferByVisitor)
            .WithSummary("The widget's department switch (visitor token)")
            .WithDescription("Under `Livechat_allow_switching_departments`. Answers the visitor's room after the switch.");
        group.MapGet("/transfer.history/{rid}", History).RequirePermission(Permissions.ViewLivechatRooms)
            .WithSummary("The room's transfers: the `transferData` of its `livechat_transfer_history` messages, oldest first");
        group.MapPost("/inquiries.returnAsInquiry", ReturnAsInquiry).RequirePermission(Permissions.ViewLRoom)
            .WithSummary("Puts a served chat back in the queue, of `departmentId` when given")
            .WithDescription("Answers `{\"result\":true}`, or `{\"result\":false}` when the room has no agent.");
        group.MapGet("/room.join", Join).RequirePermission(Permissions.ViewLRoom)
            .WithSummary("Joins the room (a supervisor): the caller may then write in it; the room gets a `uj` message");
        return app;
    }

    static readonly ObjectSchema ForwardSchema = Schema.Object(
        ("roomId", Schema.String()), ("userId", Schema.String().OrNull()), ("departmentId", Schema.String().OrNull()),
        ("comment", Schema.String().OrNull()), ("clientAction", new BooleanSchema { Nullable = true }))
        .Requires("roomId");

    static async Task<Results<Ok<SuccessResponse>, ApiError>> Forward(JsonBody body, CurrentUser caller, LivechatDb db, SettingsStore settings,
        Writes writes, TimeProvider time, CancellationToken ct)
    {
        var request = (JsonObject)ForwardSchema.Validate(body.Root)!;
        var roomId = (string)request["roomId"]!;
        var transfer = new TransferRequest((string?)request["userId"], (string?)request["departmentId"], (string?)request["comment"]);
        var name = await db.Users.Where(u => u.Id == caller.Id).Select(u => u.Name).FirstOrDefaultAsync(ct);
        string? freed = null;
        var error = await writes.RetryOnConflictAsync(db, async locked =>
        {
            var room = await RoomAsync(db, roomId, locked, ct);
            if (room is null) return ApiError.Failure("error-invalid-room");
            if (!room.Open) return ApiError.Failure("This_conversation_is_already_closed");
            if (!await db.Visitors.AnyAsync(v => v.Id == room.VisitorId, ct)) return ApiError.Failure("error-invalid-visitor");
            var by = new TransferredBy(caller.Id, caller.Username, name, room.ServedById == caller.Id ? "agent" : "user");
            var servedBy = room.ServedById;
            if (await Transfers.TransferAsync(db, settings, room, transfer, by, time.UtcNow(), ct) is { } refused) return refused;
            await writes.SaveAsync(db, ct);
            freed = servedBy == room.ServedById ? null : servedBy;
            return null;
        }, ct);
        await Routing.FreedAsync(db, settings, freed, time.UtcNow(), ct);
        return error ?? (Results<Ok<SuccessResponse>, ApiError>)TypedResults.Ok(SuccessResponse.Instance);
    }

    static readonly ObjectSchema VisitorTransferSchema = Schema.Object(("rid", Schema.String()), ("token", Schema.String()), ("department", Schema.String()))
        .Requires("rid", "token", "department");

    static async Task<Results<Ok<RoomResponse>, ApiError>> TransferByVisitor(JsonBody body, LivechatDb db, SettingsStore settings, Writes writes,
        TimeProvider time, CancellationToken ct)
    {
        var request = (JsonObject)VisitorTransferSchema.Validate(body.Root)!;
        var (rid, token, department) = ((string)request["rid"]!, (string)request["token"]!, (string)request["department"]!);
        // Not in Rocket.Chat, which leaves it to the widget to hide the switch: the setting holds for the endpoint too.
        if (!await settings.GetBoolAsync("Livechat_allow_switching_departments", ct)) return ApiError.Failure("error-not-allowed");
        var visitor = await db.Visitors.AsNoTracking().Where(v => v.Token == token).Select(v => new { v.Id, v.Username, v.Name }).FirstOrDefaultAsync(ct);
        if (visitor is null) return ApiError.Failure("invalid-token");
        ChangeScope.SetVisitor(visitor.Id, visitor.Username);
        var by = new TransferredBy(visitor.Id, visitor.Username, visitor.Name, "visitor");
        LivechatRoom? transferred = null;
        string? freed = null;
        var error = await writes.RetryOnConflictAsync(db, async locked =>
        {
            var room = await RoomAsync(db, rid, locked, ct);
            if (room is null || room.VisitorId != visitor.Id) return ApiError.Failure("invalid-room");
            var servedBy = room.ServedById;
            var refused = await Transfers.TransferAsync(db, settings, room, new TransferRequest(null, department, null), by, time.UtcNow(), ct);
            // Rocket.Chat answers a transfer that did not happen with a bare {"success":false}.
            if (refused is not null) return refused == Transfers.NotTransferred ? ApiError.BareFailure() : refused;
            await writes.SaveAsync(db, ct);
            freed = servedBy == room.ServedById ? null : servedBy;
            transferred = room;
            return null;
        }, ct);
        await Routing.FreedAsync(db, settings, freed, time.UtcNow(), ct);
        return error ?? (Results<Ok<RoomResponse>, ApiError>)TypedResults.Ok(new RoomResponse(RoomView.ForVisitor(transferred!)));
    }

    static async Task<Results<Ok<TransferHistoryResponse>, ApiError>> History([FromRoute] string rid, HttpRequest http, LivechatDb db,
        SettingsStore settings, CancellationToken ct)
    {
        var paging = await Paging.ReadAsync(http, settings, ct);
        if (!await db.Rooms.AnyAsync(r => r.Id == rid, ct)) return ApiError.Failure("invalid-room");
        var query = db.Messages.AsNoTracking().Where(m => m.Rid == rid && m.T == Transfers.HistoryType && m.DeletedAt == null);
        var total = await query.CountAsync(ct);
        var ordered = paging.Sort is [("ts", -1), ..] ? query.OrderByDescending(m => m.Ts) : query.OrderBy(m => m.Ts);
        var page = await paging.Apply(ordered.ThenBy(m => m.Id)).Select(m => m.TransferData).ToListAsync(ct);
        var history = page.Select(data => data is null ? null : JsonNode.Parse(data)).ToList();
        return TypedResults.Ok(new TransferHistoryResponse(history, history.Count, paging.Offset, total));
    }

    static readonly ObjectSchema ReturnSchema = Schema.Object(("roomId", Schema.String()), ("departmentId", Schema.String())).Requires("roomId");

    static async Task<Results<Ok<ReturnAsInquiryResponse>, ApiError>> ReturnAsInquiry(JsonBody body, CurrentUser caller, LivechatDb db,
        PermissionStore permissions, Writes writes, TimeProvider time, CancellationToken ct)
    {
        var request = (JsonObject)ReturnSchema.Validate(body.Root)!;
        var (roomId, departmentId) = ((string)request["roomId"]!, (string?)request["departmentId"]);
        var result = false;
        var error = await writes.RetryOnConflictAsync(db, async locked =>
        {
            var room = await RoomAsync(db, roomId, locked, ct);
            if (room is null) return ApiError.Failure("error-room-not-found");
            if (!room.Open) return ApiError.Failure("room-closed");
            // Not in Rocket.Chat (any view-l-room user may): only who may see the room gives it back.
            if (!await RoomAccess.CanViewAsync(db, permissions, caller, room, ct)) return ApiError.Failure("error-not-allowed");
            if (room.ServedById is not { } agentId) return null;
            // Not in Rocket.Chat, which would move the room to an id that names no department.
            if (departmentId is not null && !await db.Departments.AnyAsync(d => d.Id == departmentId, ct)) return ApiError.Failure("error-invalid-department");
            var agent = await db.Users.AsNoTracking().Where(u => u.Id == agentId).Select(u => new { u.Id, u.Username, u.Name }).FirstOrDefaultAsync(ct);
            if (agent is null) return ApiError.Failure("error-invalid-user");
            var inquiry = await db.Inquiries.FirstOrDefaultAsync(i => i.Rid == room.Id, ct);
            if (inquiry is null) return null;
            // As Rocket.Chat: the serving agent is the one who hands the chat over.
            var by = new TransferredBy(agent.Id, agent.Username, agent.Name, "agent");
            await Transfers.ReturnToQueueAsync(db, room, inquiry, by, departmentId, time.UtcNow(), ct);
            await writes.SaveAsync(db, ct);
            result = true;
            // The agent's freed place is not filled at once: the chat just returned would be the first waiting one, and
            // under Auto_Selection it could go straight back to them. The queue drain routes it at its next pass.
            return null;
        }, ct);
        return error ?? (Results<Ok<ReturnAsInquiryResponse>, ApiError>)TypedResults.Ok(new ReturnAsInquiryResponse(result));
    }

    static readonly ObjectSchema JoinSchema = Schema.Object(("roomId", Schema.String())).Requires("roomId");

    static async Task<Results<Ok<SuccessResponse>, ApiError>> Join(HttpRequest http, CurrentUser caller, LivechatDb db, PermissionStore permissions,
        SettingsStore settings, Writes writes, TimeProvider time, CancellationToken ct)
    {
        var roomId = (string)((JsonObject)JoinSchema.Validate(Schema.FromQuery(http.Query))!)["roomId"]!;
        var name = await db.Users.Where(u => u.Id == caller.Id).Select(u => u.Name).FirstOrDefaultAsync(ct);
        var readReceipts = await settings.GetBoolAsync("Message_Read_Receipt_Enabled", ct);
        var error = await writes.RetryOnConflictAsync(db, async locked =>
        {
            var room = await RoomAsync(db, roomId, locked, ct);
            if (room is null) return ApiError.Failure("error-invalid-room");
            if (!room.Open) return ApiError.Failure("room-closed");
            if (!await RoomAccess.CanViewAsync(db, permissions, caller, room, ct)) return ApiError.Failure("error-not-allowed");
            // Rocket.Chat's addUserToRoom does nothing for a user already in the room (the serving agent is).
            if (room.ServedById == caller.Id || await db.RoomMembers.AnyAsync(m => m.RoomId == room.Id && m.UserId == caller.Id, ct)) return null;
            var now = time.UtcNow();
            db.RoomMembers.Add(new RoomMember { RoomId = room.Id, UserId = caller.Id, Username = caller.Username, Ts = now });
            RoomMessages.Append(db, room, RoomMessages.System(room, "uj", caller.Username, caller.Id, caller.Username, name, now, readReceipts));
            await writes.SaveAsync(db, ct);
            return null;
        }, ct);
        return error ?? (Results<Ok<SuccessResponse>, ApiError>)TypedResults.Ok(SuccessResponse.Instance);
    }

    /// <summary>The room, tracked; on a locked attempt with its row locked (PostgreSQL).</summary>
    static Task<LivechatRoom?> RoomAsync(LivechatDb db, string id, bool locked, CancellationToken ct) =>
        (locked ? RoomLocks.Locked(db, id) : db.Rooms.Where(r => r.Id == id)).SingleOrDefaultAsync(ct);
}
