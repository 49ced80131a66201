using Livechat.Server.Data;
using Livechat.Server.Rooms;
using Livechat.Server.Settings;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Widget;

/// <summary>What the widget shows of its agent and its place in the queue, for the REST endpoints and the realtime streams.</summary>
public static class WidgetQueries
{
    public static async Task<AgentInfoView?> AgentViewAsync(LivechatDb db, SettingsStore settings, string agentId, CancellationToken ct)
    {
        if (!await settings.GetBoolAsync("Livechat_show_agent_info", ct)) return AgentInfoView.Hidden;
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == agentId, ct);
        return user is null ? null : AgentInfoView.From(user, await settings.GetBoolAsync("Livechat_show_agent_email", ct));
    }

    /// <summary>
    /// A queued room's place in its department's queue (<see cref="QueueOfDepartmentAsync"/>). Null when the room has
    /// no queued inquiry.
    /// </summary>
    public static async Task<QueueInfoView?> QueueInfoAsync(LivechatDb db, SettingsStore settings, string rid, CancellationToken ct)
    {
        var inquiry = await db.Inquiries.AsNoTracking().FirstOrDefaultAsync(i => i.Rid == rid && i.Status == "queued", ct);
        return inquiry is null ? null : (await QueueOfDepartmentAsync(db, settings, inquiry.Department, ct)).GetValueOrDefault(rid);
    }

    /// <summary>
    /// Every queued room of a department with its 1-based spot, from one read of the queue in its order (priority
    /// weight, then arrival): a room's spot is one more than the inquiries strictly ahead of it.
    /// </summary>
    public static async Task<Dictionary<string, QueueInfoView>> QueueOfDepartmentAsync(LivechatDb db, SettingsStore settings, string? department,
        CancellationToken ct)
    {
        var queue = await db.Inquiries.AsNoTracking().Where(i => i.Status == "queued" && i.Department == department)
            .OrderBy(i => i.PriorityWeight).ThenBy(i => i.Ts).Select(i => new { i.Rid, i.PriorityWeight, i.Ts }).ToListAsync(ct);
        var text = await settings.GetStringAsync("Livechat_waiting_queue_message", ct);
        var spots = new Dictionary<string, QueueInfoView>(StringComparer.Ordinal);
        if (queue.Count == 0) return spots;
        // Rocket.Chat EE's estimate: ((spot - 1) / N + 1) × the average duration of the department's N most recent chats,
        // N being Livechat_number_most_recent_chats_estimate_wait_time (Rocket.Chat passes that N to both); none without closed chats.
        var recent = Math.Max(1, await settings.GetIntAsync("Livechat_number_most_recent_chats_estimate_wait_time", ct));
        var average = await db.Rooms.AsNoTracking().Where(r => !r.Open && r.DepartmentId == department && r.ChatDuration != null)
            .OrderByDescending(r => r.ClosedAt).Take(recent).AverageAsync(r => r.ChatDuration, ct);
        var ahead = 0;
        for (var i = 0; i < queue.Count; i++)
        {
            // Equal weight and arrival time share a spot.
            if (i > 0 && (queue[i].PriorityWeight, queue[i].Ts) != (queue[i - 1].PriorityWeight, queue[i - 1].Ts)) ahead = i;
            spots[queue[i].Rid] = At(ahead + 1, text, average is > 0 ? ((double)ahead / recent + 1) * average.Value : null);
        }
        return spots;
    }

    static QueueInfoView At(int spot, string message, double? estimate) =>
        new(spot, message.Length > 0 ? new QueueMessage(message, new QueueMessageUser("rocket.cat", "rocket.cat")) : null, estimate);
}
