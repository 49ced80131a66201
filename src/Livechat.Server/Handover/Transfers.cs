using System.Text.Json.Nodes;
using Livechat.Server.Data;
using Livechat.Server.Http;
using Livechat.Server.Messages;
using Livechat.Server.Rooms;
using Livechat.Server.Settings;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Handover;

/// <summary>
/// Moving a chat between agents, departments and the queue (Rocket.Chat's <c>transfer</c>, <c>forwardRoomToAgent</c>,
/// <c>forwardRoomToDepartment</c>, <c>returnRoomAsInquiry</c>). Each method changes the tracked room and inquiry,
/// adds the <c>livechat_transfer_history</c> message and removes the room's joined members; the caller saves
/// (<see cref="Writes.SaveAsync"/>), so the change events, audit, realtime and webhooks follow from the save.
/// </summary>
public static class Transfers
{
    public const string HistoryType = "livechat_transfer_history";
    public const string FallbackType = "livechat_transfer_history_fallback";

    /// <summary>Rocket.Chat's <c>transfer</c> answered false: <c>room.forward</c> says so, <c>room.transfer</c> answers a bare failure.</summary>
    public static readonly ApiError NotTransferred = ApiError.Failure("error-forwarding-chat");

    sealed record Target(string Id, string Name, string? Fallback);

    /// <summary>Forwards the tracked open room to a department or to an agent; null when done.</summary>
    public static async Task<ApiError?> TransferAsync(LivechatDb db, SettingsStore settings, LivechatRoom room, TransferRequest request,
        TransferredBy by, DateTime now, CancellationToken ct)
    {
        if (request.DepartmentId is { } departmentId) return await ToDepartmentAsync(db, settings, room, departmentId, request, by, now, ct);
        if (request.UserId is { } userId) return await ToAgentAsync(db, settings, room, userId, request.Comment, by, now, ct);
        return NotTransferred;
    }

    static async Task<ApiError?> ToAgentAsync(LivechatDb db, SettingsStore settings, LivechatRoom room, string userId, string? comment,
        TransferredBy by, DateTime now, CancellationToken ct)
    {
        if (!room.Open) return NotTransferred;
        var agent = await OnlineAgentAsync(db, userId, ct);
        if (agent is null) return ApiError.Failure("error-user-is-offline");
        var inquiry = await db.Inquiries.FirstOrDefaultAsync(i => i.Rid == room.Id, ct);
        if (inquiry is null) return ApiError.Failure("error-invalid-inquiry");
        if (room.ServedById == userId) return ApiError.Failure("error-selected-agent-room-agent-are-same");
        // Capacity is the routing's: an available agent who is no candidate has no room for another chat.
        if (!(await Routing.CandidatesAsync(db, settings, null, ct)).Exists(c => c.Id == userId))
        {
            return ApiError.Failure("error-max-number-simultaneous-chats-reached");
        }
        var history = History(room, by, "agent", comment, now, nextDepartment: null, agent);
        Routing.Assign(room, inquiry, agent.Id, agent.Username, now);
        await CompleteAsync(db, room, history, ct);
        return null;
    }

    static async Task<ApiError?> ToDepartmentAsync(LivechatDb db, SettingsStore settings, LivechatRoom room, string departmentId,
        TransferRequest request, TransferredBy by, DateTime now, CancellationToken ct)
    {
        var target = await TargetAsync(db, departmentId, ct);
        if (target is null) return ApiError.Failure("error-invalid-department");
        if (!room.Open) return NotTransferred;
        // Rocket.Chat EE's livechat.beforeForwardRoomToDepartment: the current department lists where its chats may go.
        if (room.DepartmentId is { } current
            && await db.Departments.Where(d => d.Id == current).Select(d => d.DepartmentsAllowedToForward).FirstOrDefaultAsync(ct) is { Count: > 0 } allowed
            && !allowed.Contains(departmentId))
        {
            return ApiError.Coded("error-forwarding-department-target-not-allowed", "The forwarding to the target department is not allowed.");
        }
        var inquiry = await db.Inquiries.FirstOrDefaultAsync(i => i.Rid == room.Id, ct);
        if (inquiry is null) return ApiError.Failure("error-transferring-inquiry");
        if (room.DepartmentId == departmentId) return ApiError.Failure("error-forwarding-chat-same-department");
        TransferredTo? requested = null;
        if (request.UserId is { } userId)
        {
            var user = await OnlineAgentAsync(db, userId, ct);
            if (user is null) return ApiError.Failure("error-user-is-offline");
            if (!await db.DepartmentAgents.AnyAsync(a => a.AgentId == userId && a.DepartmentId == departmentId, ct))
            {
                return ApiError.Failure("error-user-not-belong-to-department");
            }
            requested = user;
        }

        // Who takes it: under Auto_Selection the requested agent or the routing's choice among the department's
        // candidates (not the agent handing it over); nobody there sends it on to the department's fallback, and a
        // department without one (or Manual_Selection) keeps it in its queue.
        var autoAssign = await settings.GetStringAsync("Livechat_Routing_Method", ct) == "Auto_Selection";
        var requestedTarget = target;
        HashSet<string> tried = [];
        Routing.Candidate? chosen = null;
        while (autoAssign && tried.Add(target.Id))
        {
            var candidates = (await Routing.CandidatesAsync(db, settings, target.Id, ct)).Where(c => c.Id != room.ServedById).ToList();
            chosen = requested is not null && target == requestedTarget
                ? candidates.Find(c => c.Id == requested.Id)
                : Routing.SelectAgent(candidates, null);
            if (chosen is not null || target.Fallback is not { Length: > 0 } fallback || await TargetAsync(db, fallback, ct) is not { } next) break;
            target = next;
        }

        // transferredTo names the agent asked for, once that agent has the chat.
        var transferredTo = requested is not null && chosen?.Id == requested.Id ? requested : null;
        var history = History(room, by, "department", request.Comment, now, new NextDepartment(target.Id, target.Name), transferredTo);
        room.DepartmentId = target.Id;
        inquiry.Department = target.Id;
        if (chosen is not null)
        {
            Routing.Assign(room, inquiry, chosen.Id, chosen.Username, now);
        }
        else
        {
            Queue(room, inquiry, now);
        }
        await CompleteAsync(db, room, history, ct);
        if (target != requestedTarget)
        {
            // Rocket.Chat EE's livechat:onTransferFailure: one more message says the fallback department took over.
            var fallbackData = new JsonObject
            {
                ["transferredBy"] = by.ToJson(),
                ["ts"] = JsonSetup.FormatDate(now),
                ["scope"] = "department",
                ["departmentId"] = target.Id,
                ["department"] = new NextDepartment(target.Id, target.Name).ToJson(),
                ["prevDepartment"] = requestedTarget.Name,
            };
            if (request.Comment is not null) fallbackData["comment"] = request.Comment;
            // A millisecond after the history message, which it follows, as in Rocket.Chat.
            RoomMessages.Append(db, room, SystemMessage(room, FallbackType, by, fallbackData, now.AddMilliseconds(1)));
        }
        return null;
    }

    /// <summary>
    /// Rocket.Chat's <c>returnRoomAsInquiry</c>: the serving agent gives the tracked room back to the queue (of
    /// <paramref name="departmentId"/> when given). The caller has checked that the room has an agent and an inquiry.
    /// </summary>
    public static async Task ReturnToQueueAsync(LivechatDb db, LivechatRoom room, Inquiry inquiry, TransferredBy by, string? departmentId,
        DateTime now, CancellationToken ct)
    {
        // As Rocket.Chat: the history names no next department here, even when one is given.
        var history = History(room, by, "queue", comment: null, now, nextDepartment: null, transferredTo: null);
        if (departmentId is not null && departmentId != room.DepartmentId)
        {
            room.DepartmentId = departmentId;
            inquiry.Department = departmentId;
        }
        Queue(room, inquiry, now);
        await CompleteAsync(db, room, history, ct);
    }

    /// <summary>Rocket.Chat's findOneOnlineAgentById: an active agent who is available (and, with the presence branch, online).</summary>
    static Task<TransferredTo?> OnlineAgentAsync(LivechatDb db, string userId, CancellationToken ct) =>
        Routing.AvailableAgents(db, null).Where(u => u.Id == userId).Select(u => new TransferredTo(u.Id, u.Username, u.Name)).FirstOrDefaultAsync(ct);

    static Task<Target?> TargetAsync(LivechatDb db, string id, CancellationToken ct) =>
        db.Departments.AsNoTracking().Where(d => d.Id == id).Select(d => new Target(d.Id, d.Name, d.FallbackForwardDepartment)).FirstOrDefaultAsync(ct);

    /// <summary>Rocket.Chat's <c>unassignAgent</c> with <c>shouldQueue</c>: no agent, the inquiry waiting again.</summary>
    static void Queue(LivechatRoom room, Inquiry inquiry, DateTime now)
    {
        room.ServedById = null;
        room.ServedByUsername = null;
        room.ServedByTs = null;
        room.QueuedAt = now;
        inquiry.Status = "queued";
        inquiry.QueuedAt = now;
        inquiry.TakenAt = null;
        inquiry.UpdatedAt = now;
    }

    /// <summary>The history message, and the room's joined members removed (Rocket.Chat's removeAllRoomSubscriptions).</summary>
    static async Task CompleteAsync(LivechatDb db, LivechatRoom room, Message history, CancellationToken ct)
    {
        RoomMessages.Append(db, room, history);
        db.RoomMembers.RemoveRange(await db.RoomMembers.Where(m => m.RoomId == room.Id).ToListAsync(ct));
    }

    /// <summary>Rocket.Chat's <c>saveTransferHistory</c>: the message and its <c>transferData</c>, stamped before the room changes.</summary>
    static Message History(LivechatRoom room, TransferredBy by, string scope, string? comment, DateTime now, NextDepartment? nextDepartment,
        TransferredTo? transferredTo)
    {
        var data = new JsonObject { ["transferredBy"] = by.ToJson(), ["ts"] = JsonSetup.FormatDate(now), ["scope"] = scope };
        if (comment is not null) data["comment"] = comment;
        if (room.DepartmentId is { } previous) data["previousDepartment"] = previous;
        if (nextDepartment is not null) data["nextDepartment"] = nextDepartment.ToJson();
        if (transferredTo is not null) data["transferredTo"] = transferredTo.ToJson();
        return SystemMessage(room, HistoryType, by, data, now);
    }

    static Message SystemMessage(LivechatRoom room, string type, TransferredBy by, JsonObject data, DateTime now) =>
        RoomMessages.System(room, type, "", by.Id, by.Username, name: null, now, readReceipts: false,
            transferData: data.ToJsonString(), token: by.UserType == "visitor" ? room.VisitorToken : null);
}
