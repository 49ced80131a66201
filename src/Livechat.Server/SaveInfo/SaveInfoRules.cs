using System.Text.Json.Nodes;
using Livechat.Server.CustomFields;
using Livechat.Server.Data;
using Livechat.Server.Http;
using Livechat.Server.Messages;
using Livechat.Server.Priorities;
using Livechat.Server.Rooms;
using Livechat.Server.Security;
using Livechat.Server.Settings;
using Livechat.Server.Slas;
using Livechat.Server.Visitors;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.SaveInfo;

/// <summary>What the checks resolved, for the change to use; <see cref="Error"/> set means nothing is written.</summary>
sealed record SaveInfoCheck(
    ApiError? Error, Visitor? Visitor = null, CustomFieldEdit? VisitorFields = null, CustomFieldEdit? RoomFields = null,
    Priority? Priority = null, Sla? Sla = null, string? CallerName = null, bool ReadReceipts = false)
{
    public static implicit operator SaveInfoCheck(ApiError error) => new(error);
}

/// <summary>What the change touched beyond the tracked room and visitor.</summary>
sealed record SaveInfoChanges(InquiryChange? Inquiry, bool? PriorityMessage, bool? SlaMessage);

/// <summary>Changes that the room's inquiry mirrors (room-saveInfo §7.3).</summary>
sealed record InquiryChange(string? Name, bool Priority, bool Sla);

/// <summary>The rules of room-saveInfo §4–§7: the checks, in order, and the change they allow.</summary>
static class SaveInfoRules
{
    /// <summary>The checks' reads, compiled once: no expression tree to build, parameterize and look up per save.</summary>
    static class Queries
    {
        public static readonly CompiledQuery<Func<LivechatDb, IAsyncEnumerable<CustomField>>> CustomFields =
            new(() => EF.CompileAsyncQuery((LivechatDb db) => db.CustomFields.AsNoTracking()));

        public static readonly CompiledQuery<Func<LivechatDb, string, CancellationToken, Task<Priority?>>> Priority =
            new(() => EF.CompileAsyncQuery((LivechatDb db, string id, CancellationToken ct) => db.Priorities.AsNoTracking().SingleOrDefault(p => p.Id == id)));

        public static readonly CompiledQuery<Func<LivechatDb, string, CancellationToken, Task<Sla?>>> Sla =
            new(() => EF.CompileAsyncQuery((LivechatDb db, string id, CancellationToken ct) => db.Slas.AsNoTracking().SingleOrDefault(s => s.Id == id)));

        public static readonly CompiledQuery<Func<LivechatDb, string, CancellationToken, Task<string?>>> UserName =
            new(() => EF.CompileAsyncQuery((LivechatDb db, string id, CancellationToken ct) => db.Users.Where(u => u.Id == id).Select(u => u.Name).SingleOrDefault()));
    }

    /// <summary>Checks P2–P9 of room-saveInfo §4, in order, and reads what the change needs; nothing is written.</summary>
    public static async Task<SaveInfoCheck> CheckAsync(SaveInfoRequest request, LivechatRoom room, Visitor? visitor, CurrentUser caller,
        LivechatDb db, PermissionStore permissions, SettingsStore settings, CancellationToken ct)
    {
        if ((request.VisitorData is { Count: > 0 } || request.RoomData is { Count: > 0 })
            && !await permissions.HasAsync(caller, Permissions.EditLivechatRoomCustomfields, ct))
        {
            return ApiError.NotAllowed();
        }
        if (visitor is null || visitor.Id != request.VisitorId)
        {
            return ApiError.Failure("error-invalid-visitor");
        }
        if (request.Email?.Trim() is { Length: > 0 } email && !Users.EmailAddress.Pattern().IsMatch(email))
        {
            return ApiError.Failure("error-invalid-email");
        }

        CustomFieldEdit? visitorFields = null, roomFields = null;
        if (request.VisitorData is { Count: > 0 } || request.RoomData is { Count: > 0 })
        {
            var definitions = await Queries.CustomFields.For(db)(db).ToListAsync(ct);
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
        if (request.PriorityId.Value is { Length: > 0 } priorityId && priorityId != room.PriorityId)
        {
            priority = await Queries.Priority.For(db)(db, priorityId, ct);
            if (priority is null) return ApiError.Failure("error-invalid-priority");
        }
        Sla? sla = null;
        if (request.SlaId.Value is { Length: > 0 } slaId && slaId != room.SlaId)
        {
            sla = await Queries.Sla.For(db)(db, slaId, ct);
            if (sla is null) return ApiError.Failure($"SLA not found with id: {slaId}");
        }

        // A priority or SLA change writes a history message (§6), which names the caller.
        string? callerName = null;
        var readReceipts = false;
        var removesPriority = request.PriorityId is { IsSent: true, Value: null or "" } && room.PriorityId is not null;
        var removesSla = request.SlaId is { IsSent: true, Value: null or "" } && room.SlaId is not null;
        if (priority is not null || sla is not null || removesPriority || removesSla)
        {
            callerName = await Queries.UserName.For(db)(db, caller.Id, ct);
            readReceipts = await settings.GetBoolAsync("Message_Read_Receipt_Enabled", ct);
        }
        return new SaveInfoCheck(null, visitor, visitorFields, roomFields, priority, sla, callerName, readReceipts);
    }

    /// <summary>
    /// Applies room-saveInfo §6–§7 to the tracked visitor and room. Only values that differ mark a property modified;
    /// the save's conventions then move the versions and <c>_updatedAt</c>, the tag and field tables and the events.
    /// </summary>
    public static SaveInfoChanges Apply(SaveInfoRequest request, SaveInfoCheck check, LivechatRoom room)
    {
        var visitor = check.Visitor!;
        string? newName = null;
        if (request.Name is { Length: > 0 } name)
        {
            var trimmed = name.Trim();
            visitor.Name = trimmed.Length == 0 ? null : trimmed;
            newName = visitor.Name ?? visitor.Username;
        }
        if (request.Email is { Length: > 0 } email)
        {
            var address = email.Trim().ToLowerInvariant();
            visitor.Email = address.Length == 0 ? null : address;
        }
        if (request.Phone is { Length: > 0 } phone)
        {
            var number = phone.Trim();
            visitor.Phone = number.Length == 0 ? null : number;
        }
        if (check.VisitorFields is { Changed: true } visitorFields)
        {
            visitor.LivechatData = visitorFields.Values;
        }

        if (request.Topic is { IsSent: true, Value: { } sentTopic })
        {
            var topic = sentTopic.Trim() is { Length: > 0 } t ? t : null;
            room.Topic = topic;
        }
        if (request.Tags.IsSent)
        {
            var tags = NormaliseTags(request.Tags.Value);
            if (!SameTags(tags, room.Tags))
            {
                room.Tags = tags;
            }
        }
        if (check.RoomFields is { Changed: true } roomFields)
        {
            room.LivechatData = roomFields.Values;
        }
        if (newName is not null)
        {
            room.Fname = newName;
        }

        bool? priorityMessage = null;
        if (check.Priority is { } priority)
        {
            room.PriorityId = priority.Id;
            room.PriorityWeight = priority.SortItem;
            priorityMessage = true;
        }
        else if (request.PriorityId.IsSent && string.IsNullOrEmpty(request.PriorityId.Value) && room.PriorityId is not null)
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
        else if (request.SlaId.IsSent && string.IsNullOrEmpty(request.SlaId.Value) && room.SlaId is not null)
        {
            room.SlaId = null;
            room.EstimatedWaitingTimeQueue = LivechatRoom.NoSlaWaitingTime;
            slaMessage = false;
        }

        var inquiry = newName is not null || priorityMessage is not null || slaMessage is not null
            ? new InquiryChange(newName, priorityMessage is not null, slaMessage is not null)
            : null;
        return new SaveInfoChanges(inquiry, priorityMessage, slaMessage);
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

    /// <summary>
    /// Mirrors the change into the room's tracked inquiry, so that its <c>UPDATE</c> joins the save's batch;
    /// <c>_updatedAt</c> moves only when a mirrored value really changes.
    /// </summary>
    public static void MirrorToInquiry(Inquiry inquiry, LivechatRoom room, InquiryChange change, DateTime now)
    {
        var changed = change.Priority || change.Sla;
        if (change.Name is { } name && inquiry.Name != name)
        {
            inquiry.Name = name;
            changed = true;
        }
        if (change.Priority)
        {
            (inquiry.PriorityId, inquiry.PriorityWeight) = (room.PriorityId, room.PriorityWeight);
        }
        if (change.Sla)
        {
            (inquiry.SlaId, inquiry.EstimatedWaitingTimeQueue) = (room.SlaId, room.EstimatedWaitingTimeQueue);
        }
        if (changed)
        {
            inquiry.UpdatedAt = now;
        }
    }

    /// <summary>The change-history system messages of room-saveInfo §6: priority first, both with the request's time.</summary>
    public static void AddHistoryMessages(LivechatDb db, LivechatRoom room, CurrentUser caller, SaveInfoCheck check, SaveInfoChanges changes, DateTime now)
    {
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
            RoomMessages.System(room, type, "", caller.Id, caller.Username, check.CallerName, now, check.ReadReceipts, priorityData, slaData));
    }

    static JsonObject PriorityData(Priority p)
    {
        var data = new JsonObject { ["_id"] = p.Id, ["i18n"] = p.I18n, ["sortItem"] = p.SortItem, ["dirty"] = p.Dirty };
        if (p.Name is not null) data["name"] = p.Name;
        data["_updatedAt"] = JsonSetup.FormatDate(p.UpdatedAt);
        return data;
    }
}
