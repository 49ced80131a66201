using System.Text.Json.Nodes;
using Livechat.Server.Data;
using Livechat.Server.Events;
using Livechat.Server.Http;
using Livechat.Server.Rooms;
using Livechat.Server.Security;
using Livechat.Server.Settings;
using Livechat.Server.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Messages;

public static class MessageEndpoints
{
    // POST livechat/message                  none (visitor token)
    // GET|PUT|DELETE livechat/message/{_id}  none (visitor token; edit and delete the visitor's own messages)
    // GET  livechat/messages.history/{rid}   none (visitor token)
    // POST chat.sendMessage                  auth (serving agent)
    // GET  chat.syncMessages                 auth (room access)
    public static IEndpointRouteBuilder MapMessages(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1").WithTags("Messages");
        group.MapPost("/livechat/message", SendAsVisitor);
        group.MapGet("/livechat/message/{_id}", GetOwn);
        group.MapPut("/livechat/message/{_id}", EditOwn);
        group.MapDelete("/livechat/message/{_id}", DeleteOwn);
        group.MapGet("/livechat/messages.history/{rid}", History);
        group.MapPost("/chat.sendMessage", SendAsAgent).RequireRocketChatAuth();
        group.MapGet("/chat.syncMessages", Sync).RequireRocketChatAuth();
        return app;
    }

    static readonly ObjectSchema VisitorMessageSchema = Schema.Object(
        ("token", Schema.String()), ("rid", Schema.String()), ("msg", Schema.String()), ("_id", Schema.String()),
        ("agent", Schema.Object(("agentId", Schema.String()), ("username", Schema.String())).AllowingAdditional()))
        .Requires("token", "rid", "msg");

    /// <summary>
    /// The visitor of <c>token</c> and, in the same statement, their room <c>rid</c> (null when it does not exist or is
    /// not theirs). A message needs nothing else before its write.
    /// </summary>
    static readonly CompiledQuery<Func<LivechatDb, string, string, CancellationToken, Task<SenderAndRoom?>>> VisitorAndRoom = new(() => EF.CompileAsyncQuery(
        (LivechatDb db, string token, string rid, CancellationToken _) => (
            from v in db.Visitors
            where v.Token == token
            from r in db.Rooms.Where(r => r.Id == rid && r.VisitorId == v.Id).DefaultIfEmpty()
            select new SenderAndRoom(v.Id, v.Username, v.Name, r)).AsNoTracking().FirstOrDefault()));

    sealed record SenderAndRoom(string Id, string Username, string? Name, LivechatRoom? Room);

    static async Task<Results<Ok<MessageResponse>, ApiError>> SendAsVisitor(JsonBody body, LivechatDb db, SettingsStore settings,
        Writes writes, TimeProvider time, CancellationToken ct)
    {
        var request = (JsonObject)VisitorMessageSchema.Validate(body.Root)!;
        var (token, rid, msg) = ((string)request["token"]!, (string)request["rid"]!, (string)request["msg"]!);
        var id = (string?)request["_id"] is { Length: > 0 } chosen ? chosen : Ids.NewId();
        ApiError? tooLong = null;
        if (await settings.GetBoolAsync("Livechat_enable_message_character_limit", ct)
            && msg.Length > await settings.GetIntAsync("Livechat_message_character_limit", ct))
        {
            tooLong = ApiError.Failure("message-length-exceeds-character-limit");
        }
        tooLong ??= await TooLongAsync(msg, settings, ct) ?? IndexedValueLimit.TooLong(nameof(Message.Id), id);
        Message? message = null;
        var wasOnHold = false;
        var refused = await writes.RetryOnConflictAsync(db, async locked =>
        {
            LivechatRoom? room;
            if (message is null)
            {
                var sender = await VisitorAndRoom.For(db)(db, token, rid, ct);
                if (sender is null) return ApiError.Failure("invalid-token");
                // The room's errors come before the message's own.
                if ((Refusal(sender.Room) ?? tooLong) is { } error) return error;
                // The visitor is the actor of the write's events.
                ChangeScope.SetVisitor(sender.Id, sender.Username);
                var now = time.UtcNow();
                message = new Message
                {
                    Id = id,
                    Rid = rid,
                    Msg = msg,
                    Ts = now,
                    UpdatedAt = now,
                    UserId = sender.Id,
                    Username = sender.Username,
                    UserDisplayName = sender.Name,
                    Token = token,
                };
                room = sender.Room;
            }
            else
            {
                room = await RoomLocks.Locked(db, rid).AsNoTracking().SingleOrDefaultAsync(r => r.VisitorId == message.UserId, ct);
            }
            wasOnHold = room?.OnHold == true;
            return Refusal(room) ?? await AppendAsync(db, writes, room!, message, locked, ct);
        }, ct);
        if (refused is null && wasOnHold)
        {
            // Rocket.Chat resumes a chat on hold when the visitor writes again: a write of its own, after the message's.
            await OnHold.RoomHold.ResumeOnVisitorMessageAsync(db, writes, settings, rid, message!.UserDisplayName ?? message.Username, time, ct);
        }
        return refused ?? (Results<Ok<MessageResponse>, ApiError>)TypedResults.Ok(new MessageResponse(MessageView.ForVisitor(message!)));

        static ApiError? Refusal(LivechatRoom? room) =>
            room is null ? ApiError.Failure("invalid-room") : room.Open ? null : ApiError.Failure("room-closed");
    }

    /// <summary>
    /// A message is an append: it is never refused because another write touched the room. The sender's attempt reads
    /// the room (untracked) and checks it without a lock, then writes the message with the room's counters as one
    /// version-checked command prepared before the write's turn (<see cref="RoomMessages.Prepare"/>), with its event
    /// saved beside it (<see cref="Writes.SaveAsync"/>). When another write changed the room meanwhile, or the id is
    /// taken, the attempt runs again locked (<see cref="Writes.RetryOnConflictAsync{T}"/>, which reads the room with
    /// <see cref="RoomLocks.Locked"/>): then, and only then, an id already taken is looked for.
    /// </summary>
    static async Task<ApiError?> AppendAsync(LivechatDb db, Writes writes, LivechatRoom room, Message message, bool locked, CancellationToken ct)
    {
        if (locked && await db.Messages.AnyAsync(m => m.Id == message.Id, ct))
        {
            return ApiError.Coded("error-duplicate-id", "Message id already exists");
        }
        await writes.SaveAsync(db, ct, RoomMessages.Prepare(db, room, message));
        return null;
    }

    static readonly ObjectSchema OwnMessageQuerySchema = Schema.Object(("token", Schema.String()), ("rid", Schema.String())).Requires("token", "rid");
    static readonly ObjectSchema EditSchema = Schema.Object(("token", Schema.String()), ("rid", Schema.String()), ("msg", Schema.String()))
        .Requires("token", "rid", "msg");

    /// <summary>The visitor's room (locked when <paramref name="locked"/>) and a message in it, or Rocket.Chat's plain error codes.</summary>
    static async Task<(Visitors.Visitor? Visitor, LivechatRoom? Room, Message? Message, ApiError? Error)> FindOwnAsync(
        LivechatDb db, string token, string rid, string id, bool locked, CancellationToken ct)
    {
        var visitor = await db.Visitors.AsNoTracking().FirstOrDefaultAsync(v => v.Token == token, ct);
        if (visitor is null) return (null, null, null, ApiError.Failure("invalid-token"));
        var rooms = locked ? RoomLocks.Locked(db, rid) : db.Rooms.Where(r => r.Id == rid);
        var room = await rooms.FirstOrDefaultAsync(r => r.VisitorId == visitor.Id, ct);
        if (room is null) return (null, null, null, ApiError.Failure("invalid-room"));
        // Only a message of that room: a visitor never reads another room's messages by id.
        var message = await db.Messages.FirstOrDefaultAsync(m => m.Id == id && m.Rid == rid && m.DeletedAt == null, ct);
        return message is null ? (null, null, null, ApiError.Failure("invalid-message")) : (visitor, room, message, null);
    }

    static async Task<Results<Ok<MessageResponse>, ApiError>> GetOwn([FromRoute(Name = "_id")] string id, HttpRequest http, LivechatDb db,
        CancellationToken ct)
    {
        var query = (JsonObject)OwnMessageQuerySchema.Validate(Schema.FromQuery(http.Query))!;
        var found = await FindOwnAsync(db, (string)query["token"]!, (string)query["rid"]!, id, locked: false, ct);
        return found.Error ?? (Results<Ok<MessageResponse>, ApiError>)TypedResults.Ok(new MessageResponse(MessageView.ForVisitor(found.Message!)));
    }

    static async Task<Results<Ok<MessageResponse>, ApiError>> EditOwn([FromRoute(Name = "_id")] string id, JsonBody body, LivechatDb db,
        SettingsStore settings, Writes writes, TimeProvider time, CancellationToken ct)
    {
        var request = (JsonObject)EditSchema.Validate(body.Root)!;
        if (await TooLongAsync((string)request["msg"]!, settings, ct) is { } tooLong) return tooLong;
        return await writes.RetryOnConflictAsync(db, locked => EditOwnAsync(id, request, db, settings, writes, time, locked, ct), ct);
    }

    static async Task<Results<Ok<MessageResponse>, ApiError>> EditOwnAsync(string id, JsonObject request, LivechatDb db,
        SettingsStore settings, Writes writes, TimeProvider time, bool locked, CancellationToken ct)
    {
        var (visitor, room, message, error) = await FindOwnAsync(db, (string)request["token"]!, (string)request["rid"]!, id, locked, ct);
        if (error is not null) return error;
        if (!await settings.GetBoolAsync("Message_AllowEditing", ct) || message!.UserId != visitor!.Id || message.T is not null)
        {
            return ApiError.Coded("error-action-not-allowed", "Message editing not allowed");
        }
        var now = time.UtcNow();
        message.Msg = (string)request["msg"]!;
        message.EditedAt = now;
        message.EditedById = visitor.Id;
        message.EditedByUsername = visitor.Username;
        message.UpdatedAt = now;
        if (LastMessageId(room!) == message.Id) room!.LastMessage = MessageView.From(message).ToJson();
        await writes.SaveAsync(db, ct);
        return TypedResults.Ok(new MessageResponse(MessageView.ForVisitor(message)));
    }

    static async Task<Results<Ok<DeletedMessageResponse>, ApiError>> DeleteOwn([FromRoute(Name = "_id")] string id, JsonBody body, LivechatDb db,
        SettingsStore settings, Writes writes, TimeProvider time, CancellationToken ct)
    {
        var request = (JsonObject)OwnMessageQuerySchema.Validate(body.Root)!;
        return await writes.RetryOnConflictAsync(db, locked => DeleteOwnAsync(id, request, db, settings, writes, time, locked, ct), ct);
    }

    static async Task<Results<Ok<DeletedMessageResponse>, ApiError>> DeleteOwnAsync(string id, JsonObject request, LivechatDb db,
        SettingsStore settings, Writes writes, TimeProvider time, bool locked, CancellationToken ct)
    {
        var (visitor, room, message, error) = await FindOwnAsync(db, (string)request["token"]!, (string)request["rid"]!, id, locked, ct);
        if (error is not null) return error;
        if (!await settings.GetBoolAsync("Message_AllowDeleting", ct) || message!.UserId != visitor!.Id || message.T is not null)
        {
            return ApiError.Coded("error-action-not-allowed", "Message deleting not allowed");
        }
        var now = time.UtcNow();
        message.DeletedAt = now;
        message.UpdatedAt = now;
        room!.Msgs = Math.Max(0, room.Msgs - 1);
        if (LastMessageId(room) == message.Id)
        {
            var previous = await db.Messages.AsNoTracking()
                .Where(m => m.Rid == room.Id && m.Id != message.Id && m.DeletedAt == null && (m.T == null || !RoomMessages.NeverLast.Contains(m.T)))
                .OrderByDescending(m => m.Ts).FirstOrDefaultAsync(ct);
            room.LastMessage = previous is null ? null : MessageView.From(previous).ToJson();
        }
        await writes.SaveAsync(db, ct);
        return TypedResults.Ok(new DeletedMessageResponse(new DeletedMessageRef(id, now)));
    }

    static string? LastMessageId(LivechatRoom room) =>
        room.LastMessage is { } json && JsonNode.Parse(json)?["_id"] is JsonValue v ? v.GetValue<string>() : null;

    static async Task<Results<Ok<MessagesResponse>, ApiError>> History(string rid, HttpRequest http, LivechatDb db, CancellationToken ct)
    {
        var q = http.Query;
        if (q["token"].ToString() is not { Length: > 0 } token)
        {
            return ApiError.Coded("error-token-param-not-provided", "The required \"token\" query param is missing.");
        }
        var visitor = await db.Visitors.AsNoTracking().FirstOrDefaultAsync(v => v.Token == token, ct);
        if (visitor is null) return ApiError.Failure("invalid-token");
        if (!await db.Rooms.AnyAsync(r => r.Id == rid && r.VisitorId == visitor.Id, ct)) return ApiError.Failure("invalid-room");

        var messages = db.Messages.AsNoTracking().Where(m => m.Rid == rid && m.DeletedAt == null);
        if (JsonSetup.ParseDate(q["ls"]) is { } after) messages = messages.Where(m => m.Ts > after);
        if (JsonSetup.ParseDate(q["end"]) is { } before) messages = messages.Where(m => m.Ts < before);
        if (q["searchText"].ToString() is { Length: > 0 } text)
        {
            var lower = text.ToLowerInvariant();
            messages = messages.Where(m => m.Msg.ToLower().Contains(lower));
        }
        var limit = int.TryParse(q["limit"], out var l) && l > 0 ? l : 20;
        var offset = int.TryParse(q["offset"], out var o) && o > 0 ? o : 0;
        var page = await messages.OrderByDescending(m => m.Ts).ThenByDescending(m => m.Id).Skip(offset).Take(limit).ToListAsync(ct);
        return TypedResults.Ok(new MessagesResponse(page.Select(MessageView.ForVisitor).ToList()));
    }

    static readonly CompiledQuery<Func<LivechatDb, string, string, CancellationToken, Task<RoomAndSenderName?>>> RoomAndName = new(() => EF.CompileAsyncQuery(
        (LivechatDb db, string rid, string userId, CancellationToken _) => db.Rooms.AsNoTracking().Where(r => r.Id == rid)
            .Select(r => new RoomAndSenderName(r, db.Users.Where(u => u.Id == userId).Select(u => u.Name).FirstOrDefault(),
                r.ServedById != userId && db.RoomMembers.Any(m => m.RoomId == rid && m.UserId == userId))).FirstOrDefault()));

    /// <summary>The room, the sender's name, and whether the sender joined the room (<c>livechat/room.join</c>).</summary>
    sealed record RoomAndSenderName(LivechatRoom Room, string? Name, bool Joined);

    static async Task<Results<Ok<MessageResponse>, ApiError>> SendAsAgent(JsonBody body, CurrentUser caller, LivechatDb db,
        SettingsStore settings, PermissionStore permissions, Writes writes, TimeProvider time, CancellationToken ct)
    {
        if (body.Object?["message"] is not JsonObject input)
        {
            return ApiError.Coded("error-invalid-params", "The 'message' parameter must be provided.");
        }
        var request = (JsonObject)MessageSchema.Validate(input)!;
        // Rocket.Chat checks the size before it looks at the room.
        if (await TooLongAsync((string)request["msg"]!, settings, ct) is { } tooLong) return tooLong;
        var rid = (string)request["rid"]!;
        Message? message = null;
        var refused = await writes.RetryOnConflictAsync(db, async locked =>
        {
            if (message is not null)
            {
                var latest = await RoomLocks.Locked(db, rid).AsNoTracking().SingleOrDefaultAsync(ct);
                return latest is null ? ApiError.Failure("invalid-room")
                    : MayPost(latest, latest.ServedById != caller.Id && await db.RoomMembers.AnyAsync(m => m.RoomId == rid && m.UserId == caller.Id, ct))
                        ? await AppendAsync(db, writes, latest, message, locked, ct)
                    : ApiError.Coded("error-not-allowed");
            }
            // The room and the sender's name in one statement.
            var found = await RoomAndName.For(db)(db, rid, caller.Id, ct);
            if (found?.Room is not { } room) return ApiError.Coded("error-invalid-room");
            if (!MayPost(room, found.Joined)) return ApiError.Coded("error-not-allowed");
            // Rocket.Chat's validateMessage: posting under another name or picture (a non-empty alias or avatar) is impersonation.
            if ((Truthy(request["alias"]) || Truthy(request["avatar"])) && !await permissions.HasAsync(caller, Permissions.MessageImpersonate, ct))
            {
                return ApiError.Failure("Not enough permission");
            }
            var now = time.UtcNow();
            var id = (string?)request["_id"] is { Length: > 0 } chosen ? chosen : Ids.NewId();
            if (IndexedValueLimit.TooLong(nameof(Message.Id), id) is { } tooLongId) return tooLongId;
            message = new Message
            {
                Id = id,
                Rid = rid,
                Msg = (string)request["msg"]!,
                Ts = now,
                UpdatedAt = now,
                UserId = caller.Id,
                Username = caller.Username,
                UserDisplayName = found.Name,
                Alias = (string?)request["alias"],
            };
            return await AppendAsync(db, writes, room, message, locked, ct);
        }, ct);
        return refused ?? (Results<Ok<MessageResponse>, ApiError>)TypedResults.Ok(new MessageResponse(MessageView.From(message!)));

        // The serving agent, or a user who joined the room (a supervisor).
        bool MayPost(LivechatRoom r, bool joined) => r.Open && (r.ServedById == caller.Id || joined);
    }

    /// <summary>JavaScript truthiness of a body field: absent, null, <c>""</c>, <c>false</c> and <c>0</c> are not.</summary>
    static bool Truthy(JsonNode? node) => node switch
    {
        null => false,
        JsonValue v when v.TryGetValue<string>(out var text) => text.Length > 0,
        JsonValue v when v.TryGetValue<bool>(out var flag) => flag,
        JsonValue v when v.TryGetValue<double>(out var number) => number != 0 && !double.IsNaN(number),
        _ => true,
    };

    /// <summary>Rocket.Chat's <c>Message_MaxAllowedSize</c>, counted in UTF-16 units as JavaScript's <c>length</c>.</summary>
    static async Task<ApiError?> TooLongAsync(string msg, SettingsStore settings, CancellationToken ct) =>
        msg.Length > await settings.GetIntAsync("Message_MaxAllowedSize", ct)
            ? ApiError.Coded("error-message-size-exceeded", "Message size exceeds Message_MaxAllowedSize")
            : null;

    static readonly ObjectSchema MessageSchema = Schema.Object(
        ("rid", Schema.String()), ("msg", Schema.String()), ("_id", Schema.String()), ("alias", Schema.String()))
        .Requires("rid", "msg").AllowingAdditional();

    static async Task<Results<Ok<SyncMessagesResponse>, ApiError>> Sync(HttpRequest http, CurrentUser caller, LivechatDb db,
        PermissionStore permissions, CancellationToken ct)
    {
        var q = http.Query;
        if (q["roomId"].ToString() is not { Length: > 0 } roomId) return ApiError.InvalidParams("must have required property 'roomId'");
        if (q["lastUpdate"].ToString() is not { Length: > 0 } lastUpdateText)
        {
            return ApiError.Coded("error-param-required", "The \"type\" or \"lastUpdate\" parameters must be provided");
        }
        if (JsonSetup.ParseDate(lastUpdateText) is not { } lastUpdate)
        {
            return ApiError.Coded("error-lastUpdate-param-invalid", "The \"lastUpdate\" query parameter must be a valid date");
        }
        var room = await db.Rooms.AsNoTracking().FirstOrDefaultAsync(r => r.Id == roomId, ct);
        if (room is null || !await RoomAccess.CanViewAsync(db, permissions, caller, room, ct))
        {
            return ApiError.Coded("error-not-allowed", "Not allowed");
        }
        var updated = await db.Messages.AsNoTracking().Where(m => m.Rid == roomId && m.DeletedAt == null && m.UpdatedAt > lastUpdate)
            .OrderByDescending(m => m.Ts).ThenByDescending(m => m.Id).ToListAsync(ct);
        var deleted = await db.Messages.AsNoTracking().Where(m => m.Rid == roomId && m.DeletedAt > lastUpdate)
            .Select(m => new DeletedMessageView(m.Id, m.DeletedAt!.Value)).ToListAsync(ct);
        return TypedResults.Ok(new SyncMessagesResponse(new SyncResult(updated.Select(MessageView.From).ToList(), deleted)));
    }
}
