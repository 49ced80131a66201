using System.Text.Json.Nodes;
using Livechat.Server.CustomFields;
using Livechat.Server.Data;
using Livechat.Server.Http;
using Livechat.Server.Messages;
using Livechat.Server.Operations;
using Livechat.Server.Priorities;
using Livechat.Server.Settings;
using Livechat.Server.Slas;
using Livechat.Server.Users;
using Livechat.Server.Visitors;
using Livechat.Server.Webhooks;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Rooms;

/// <summary>
/// <c>POST livechat/room.saveInfo</c> (room-saveInfo.md): check everything, build the change, write it in one
/// transaction, answer <c>{"success":true}</c>.
/// </summary>
public static class SaveInfo
{
    static readonly ObjectSchema RequestSchema = Schema.Object(
        ("guestData", Schema.Object(
            ("_id", Schema.String()),
            ("name", Schema.String().AtMost(Limits.MaxNameLength).OrNull()),
            ("email", Schema.String().OrNull()),
            ("phone", Schema.String().OrNull()),
            ("livechatData", ObjectSchema.MapOf(Schema.String()).OrNull())).Requires("_id")),
        ("roomData", Schema.Object(
            ("_id", Schema.String()),
            ("topic", Schema.String().OrNull()),
            ("tags", Schema.Array(Schema.String().AtMost(Limits.MaxTagLength)).AtMost(Limits.MaxTags).OrNull()),
            ("livechatData", Schema.Object().AllowingAdditional().OrNull()),
            ("priorityId", Schema.String().OrNull()),
            ("slaId", Schema.String().OrNull())).Requires("_id")))
        .Requires("guestData", "roomData");

    /// <summary>Counts each answer of <see cref="HandleAsync"/> by result in <see cref="Telemetry.SaveInfoOutcomes"/>.</summary>
    public static async ValueTask<object?> CountOutcomeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var result = await next(context);
        var outcome = (result is INestedHttpResult nested ? nested.Result : result) switch
        {
            Ok<SaveInfoDryRun> => "dry_run",
            ApiError { StatusCode: StatusCodes.Status412PreconditionFailed } => "modified",
            ApiError { StatusCode: StatusCodes.Status403Forbidden } => "forbidden",
            ApiError => "invalid",
            _ => "saved",
        };
        Telemetry.SaveInfoOutcomes.Add(1, new KeyValuePair<string, object?>("result", outcome));
        return result;
    }

    public static async Task<Results<Ok<SuccessResponse>, Ok<SaveInfoRepresentation>, Ok<SaveInfoDryRun>, ApiError>> HandleAsync(
        JsonBody body, HttpContext http, CurrentUser caller, LivechatDb db, PermissionStore permissions, SettingsStore settings,
        TimeProvider time, CancellationToken ct)
    {
        var (dryRun, dryRunError) = SaveInfoAnswers.ReadDryRun(http.Request);
        if (dryRunError is not null) return dryRunError;
        var request = SaveInfoRequest.From((JsonObject)RequestSchema.Validate(body.Root)!);

        // A dry run writes nothing, so it neither opens the write transaction (SQLite's write gate) nor locks the room.
        await using var tx = dryRun ? null : await db.Database.BeginTransactionAsync(ct);
        var room = dryRun
            ? await db.Rooms.SingleOrDefaultAsync(r => r.Id == request.RoomId, ct)
            : await RoomLocks.LockAsync(db, request.RoomId, ct);
        if (room is null)
        {
            return ApiError.Failure("error-invalid-room");
        }
        if (room.ServedById != caller.Id && !await permissions.HasAsync(caller, Permissions.SaveOthersLivechatRoomInfo, ct))
        {
            return ApiError.Forbidden();
        }
        if (http.Request.Headers.IfMatch.ToString() is { Length: > 0 } ifMatch && !RoomEtag.Matches(ifMatch, room.Version))
        {
            return RoomEtag.Modified(http.Response, room);
        }
        if (room.Sms is not null)
        {
            // P1: SMS rooms keep the phone number the SMS gateway knows.
            request = request with { Phone = null };
        }
        var check = await CheckAsync(request, room, caller, db, permissions, ct);
        if (check.Error is { } error)
        {
            return error;
        }

        var now = time.UtcNow();
        var changes = Apply(request, check, room, now);
        if (dryRun)
        {
            // Every check has run; report the change and write nothing.
            var wouldChange = SaveInfoAnswers.Changes(db, room, check.Visitor!);
            db.ChangeTracker.Clear();
            return TypedResults.Ok(new SaveInfoDryRun(wouldChange));
        }
        if (changes.Inquiry is { } inquiryChange)
        {
            await UpdateInquiryAsync(db, room, inquiryChange, now, ct);
        }
        await AddHistoryMessagesAsync(db, room, caller, check, changes, settings, now, ct);
        var webhook = !room.Open && await settings.GetStringAsync("Livechat_webhookUrl", ct) is { Length: > 0 };
        if (webhook)
        {
            await LivechatEditWebhook.EnqueueAsync(db, room, check.Visitor!, now, ct);
        }
        await db.SaveChangesAsync(ct);
        await tx!.CommitAsync(ct);
        return SaveInfoAnswers.WantsRepresentation(http.Request)
            ? TypedResults.Ok(SaveInfoAnswers.Representation(http.Response, room, check.Visitor!))
            : TypedResults.Ok(SuccessResponse.Instance);
    }

    /// <summary>What the checks resolved, for the writes to use.</summary>
    sealed record Checked(
        ApiError? Error, Visitor? Visitor = null, CustomFieldEdit? VisitorFields = null, CustomFieldEdit? RoomFields = null,
        Priority? Priority = null, Sla? Sla = null)
    {
        public static implicit operator Checked(ApiError error) => new(error);
    }

    /// <summary>Checks P2–P9 of room-saveInfo §4, in order, before anything is written.</summary>
    static async Task<Checked> CheckAsync(
        SaveInfoRequest request, LivechatRoom room, CurrentUser caller, LivechatDb db, PermissionStore permissions, CancellationToken ct)
    {
        if ((request.VisitorData is { Count: > 0 } || request.RoomData is { Count: > 0 })
            && !await permissions.HasAsync(caller, Permissions.EditLivechatRoomCustomfields, ct))
        {
            return ApiError.NotAllowed();
        }
        var visitor = await db.Visitors.SingleOrDefaultAsync(v => v.Id == request.VisitorId, ct);
        if (visitor is null || visitor.Id != room.VisitorId)
        {
            return ApiError.Failure("error-invalid-visitor");
        }
        if (request.Email?.Trim() is { Length: > 0 } email && !Users.UserEndpoints.EmailPattern().IsMatch(email))
        {
            return ApiError.Failure("error-invalid-email");
        }

        CustomFieldEdit? visitorFields = null, roomFields = null;
        if (request.VisitorData is { Count: > 0 } || request.RoomData is { Count: > 0 })
        {
            var definitions = await db.CustomFields.AsNoTracking().ToListAsync(ct);
            definitions.Sort((a, b) => string.CompareOrdinal(a.Id, b.Id));
            ApiError? fieldError;
            (visitorFields, fieldError) = CustomFieldValues.Apply(
                definitions.Where(d => d.Scope == CustomFieldValues.VisitorScope).ToList(), request.VisitorData, visitor.LivechatData);
            if (fieldError is not null) return fieldError;
            (roomFields, fieldError) = CustomFieldValues.Apply(
                definitions.Where(d => d.Scope == CustomFieldValues.RoomScope).ToList(), request.RoomData, room.LivechatData);
            if (fieldError is not null) return fieldError;
        }

        Priority? priority = null;
        if (request.PriorityId is { Length: > 0 } priorityId && priorityId != room.PriorityId)
        {
            priority = await db.Priorities.AsNoTracking().SingleOrDefaultAsync(p => p.Id == priorityId, ct);
            if (priority is null) return ApiError.Failure("error-invalid-priority");
        }
        Sla? sla = null;
        if (request.SlaId is { Length: > 0 } slaId && slaId != room.SlaId)
        {
            sla = await db.Slas.AsNoTracking().SingleOrDefaultAsync(s => s.Id == slaId, ct);
            if (sla is null) return ApiError.Failure($"SLA not found with id: {slaId}");
        }
        return new Checked(null, visitor, visitorFields, roomFields, priority, sla);
    }

    /// <summary>What the writes changed, beyond the tracked room and visitor.</summary>
    sealed record Changes(bool Room, bool Index, InquiryChange? Inquiry, bool? PriorityMessage, bool? SlaMessage);

    /// <summary>Changes that the room's inquiry mirrors (room-saveInfo §7.3).</summary>
    sealed record InquiryChange(string? Name, bool Priority, bool Sla);

    /// <summary>Applies room-saveInfo §6–§7 to the tracked visitor and room.</summary>
    static Changes Apply(SaveInfoRequest request, Checked check, LivechatRoom room, DateTime now)
    {
        var visitor = check.Visitor!;
        var visitorChanged = false;
        string? newName = null;
        if (request.Name is { Length: > 0 } name)
        {
            var trimmed = name.Trim();
            visitorChanged |= visitor.Name != (trimmed.Length == 0 ? null : trimmed);
            visitor.Name = trimmed.Length == 0 ? null : trimmed;
            newName = visitor.Name ?? visitor.Username;
        }
        if (request.Email is { Length: > 0 } email)
        {
            var address = email.Trim().ToLowerInvariant();
            visitorChanged |= visitor.Email != (address.Length == 0 ? null : address);
            visitor.Email = address.Length == 0 ? null : address;
        }
        if (request.Phone is { Length: > 0 } phone)
        {
            var number = phone.Trim();
            visitorChanged |= visitor.Phone != (number.Length == 0 ? null : number);
            visitor.Phone = number.Length == 0 ? null : number;
        }
        if (check.VisitorFields is { Changed: true } visitorFields)
        {
            visitor.LivechatData = visitorFields.Values;
            visitorChanged = true;
        }
        if (visitorChanged)
        {
            visitor.UpdatedAt = now;
        }

        var roomChanged = false;
        var indexChanged = false;
        if (request.HasTopic)
        {
            var topic = request.Topic?.Trim() is { Length: > 0 } t ? t : null;
            if (request.Topic is not null && topic != room.Topic)
            {
                room.Topic = topic;
                roomChanged = true;
            }
        }
        if (request.HasTags)
        {
            var tags = NormaliseTags(request.Tags);
            if (!SameTags(tags, room.Tags))
            {
                room.Tags = tags;
                roomChanged = indexChanged = true;
            }
        }
        if (check.RoomFields is { Changed: true } roomFields)
        {
            room.LivechatData = roomFields.Values;
            roomChanged = indexChanged = true;
        }
        if (newName is not null && room.Fname != newName)
        {
            room.Fname = newName;
            roomChanged = true;
        }

        bool? priorityMessage = null;
        if (check.Priority is { } priority)
        {
            room.PriorityId = priority.Id;
            room.PriorityWeight = priority.SortItem;
            priorityMessage = true;
        }
        else if (request.HasPriority && string.IsNullOrEmpty(request.PriorityId) && room.PriorityId is not null)
        {
            room.PriorityId = null;
            room.PriorityWeight = LivechatRoom.NoPriorityWeight;
            priorityMessage = false;
        }
        bool? slaMessage = null;
        if (check.Sla is { } sla)
        {
            room.SlaId = sla.Id;
            room.EstimatedWaitingTimeQueue = sla.DueTimeInMinutes;
            slaMessage = true;
        }
        else if (request.HasSla && string.IsNullOrEmpty(request.SlaId) && room.SlaId is not null)
        {
            room.SlaId = null;
            room.EstimatedWaitingTimeQueue = LivechatRoom.NoSlaWaitingTime;
            slaMessage = false;
        }
        roomChanged |= priorityMessage is not null || slaMessage is not null;

        var inquiry = newName is not null || priorityMessage is not null || slaMessage is not null
            ? new InquiryChange(newName, priorityMessage is not null, slaMessage is not null)
            : null;
        // A guest edit changes the room's version too: If-Match covers the whole room-info form.
        return new Changes(roomChanged || visitorChanged, indexChanged, inquiry, priorityMessage, slaMessage);
    }

    /// <summary>D4: trimmed, empties dropped, duplicates dropped (ordinal, first occurrence kept); empty means no tags.</summary>
    static List<string>? NormaliseTags(IReadOnlyList<string>? tags)
    {
        if (tags is null) return null;
        var result = tags.Select(t => t.Trim()).Where(t => t.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        return result.Count == 0 ? null : result;
    }

    static bool SameTags(List<string>? a, List<string>? b) =>
        (a is null || a.Count == 0) ? (b is null || b.Count == 0) : b is not null && a.SequenceEqual(b, StringComparer.Ordinal);

    /// <summary>One statement without a read; <c>_updatedAt</c> moves only when a mirrored value really changes.</summary>
    static Task UpdateInquiryAsync(LivechatDb db, LivechatRoom room, InquiryChange change, DateTime now, CancellationToken ct)
    {
        var (name, priority, sla) = (change.Name, change.Priority, change.Sla);
        var (priorityId, priorityWeight, slaId, waiting) = (room.PriorityId, room.PriorityWeight, room.SlaId, room.EstimatedWaitingTimeQueue);
        return db.Inquiries.Where(i => i.Rid == room.Id && ((name != null && i.Name != name) || priority || sla))
            .ExecuteUpdateAsync(s =>
            {
                if (name is not null) s.SetProperty(i => i.Name, name);
                if (priority) s.SetProperty(i => i.PriorityId, priorityId).SetProperty(i => i.PriorityWeight, priorityWeight);
                if (sla) s.SetProperty(i => i.SlaId, slaId).SetProperty(i => i.EstimatedWaitingTimeQueue, waiting);
                s.SetProperty(i => i.UpdatedAt, now);
            }, ct);
    }

    /// <summary>The change-history system messages of room-saveInfo §6: priority first, both with the request's time.</summary>
    static async Task AddHistoryMessagesAsync(
        LivechatDb db, LivechatRoom room, CurrentUser caller, Checked check, Changes changes, SettingsStore settings, DateTime now, CancellationToken ct)
    {
        if (changes.PriorityMessage is null && changes.SlaMessage is null) return;
        var name = await db.Users.AsNoTracking().Where(u => u.Id == caller.Id).Select(u => u.Name).SingleOrDefaultAsync(ct);
        var readReceipts = await settings.GetBoolAsync("Message_Read_Receipt_Enabled", ct);
        var definedBy = new JsonObject { ["_id"] = caller.Id, ["username"] = caller.Username };
        if (changes.PriorityMessage is { } setPriority)
        {
            var data = new JsonObject { ["definedBy"] = definedBy.DeepClone() };
            if (setPriority) data["priority"] = PriorityData(check.Priority!);
            Append("omnichannel_priority_change_history", priorityData: data.ToJsonString(), slaData: null);
        }
        if (changes.SlaMessage is { } setSla)
        {
            var data = new JsonObject { ["definedBy"] = definedBy.DeepClone() };
            if (setSla) data["sla"] = new JsonObject { ["_id"] = check.Sla!.Id, ["name"] = check.Sla.Name, ["dueTimeInMinutes"] = check.Sla.DueTimeInMinutes };
            Append("omnichannel_sla_change_history", priorityData: null, slaData: data.ToJsonString());
        }

        void Append(string type, string? priorityData, string? slaData) => RoomMessages.Append(db, room,
            RoomMessages.System(room, type, "", caller.Id, caller.Username, name, now, readReceipts, priorityData, slaData));
    }

    static JsonObject PriorityData(Priority p)
    {
        var data = new JsonObject { ["_id"] = p.Id, ["i18n"] = p.I18n, ["sortItem"] = p.SortItem, ["dirty"] = p.Dirty };
        if (p.Name is not null) data["name"] = p.Name;
        data["_updatedAt"] = JsonSetup.FormatDate(p.UpdatedAt);
        return data;
    }
}

/// <summary>The validated, coerced request; <c>Has*</c> tells an absent key from a null one.</summary>
sealed record SaveInfoRequest(
    string VisitorId, string? Name, string? Email, string? Phone, JsonObject? VisitorData,
    string RoomId, bool HasTopic, string? Topic, bool HasTags, IReadOnlyList<string>? Tags, JsonObject? RoomData,
    bool HasPriority, string? PriorityId, bool HasSla, string? SlaId)
{
    public static SaveInfoRequest From(JsonObject body)
    {
        var guest = body["guestData"]!.AsObject();
        var room = body["roomData"]!.AsObject();
        return new SaveInfoRequest(
            (string)guest["_id"]!, (string?)guest["name"], (string?)guest["email"], (string?)guest["phone"], guest["livechatData"] as JsonObject,
            (string)room["_id"]!, room.ContainsKey("topic"), (string?)room["topic"],
            room.ContainsKey("tags"), room["tags"]?.AsArray().Select(t => (string)t!).ToList(), room["livechatData"] as JsonObject,
            room.ContainsKey("priorityId"), (string?)room["priorityId"], room.ContainsKey("slaId"), (string?)room["slaId"]);
    }
}
