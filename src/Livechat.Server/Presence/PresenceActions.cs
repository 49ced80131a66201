using Livechat.Server.Data;
using Livechat.Server.Handover;
using Livechat.Server.Rooms;
using Livechat.Server.Scheduling;
using Livechat.Server.Settings;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Presence;

/// <summary>
/// Each pass: this process's connections beat, its idle ones turn away, and connections of processes that stopped
/// beating lapse (their users go offline). See <see cref="UserPresence.UpkeepAsync"/>.
/// </summary>
public sealed class PresenceUpkeep(UserPresence presence) : ITimedAction
{
    public string Name => "presence";

    public Task<int> RunDueAsync(IServiceProvider services, DateTime now, CancellationToken ct) =>
        presence.UpkeepAsync(services.GetRequiredService<LivechatDb>(), services.GetRequiredService<SettingsStore>(), now, ct);
}

/// <summary>
/// Rocket.Chat's agent-leave action: when an agent's last connection has been gone for
/// <c>Livechat_agent_leave_action_timeout</c> seconds, <c>Livechat_agent_leave_action</c> applies to the chats they still
/// serve: <c>close</c> closes each as the agent with <c>Livechat_agent_leave_comment</c>, <c>forward</c> puts each back
/// in its department's queue as a return (<see cref="Transfers.ReturnToQueueAsync"/>) and routes it again, <c>none</c> does nothing. What is due is found in the database (the
/// open rooms of agents offline since before the timeout), and each room's change is version-checked, so with several
/// processes every room is acted on once; an agent who comes back first (a connection, or a REST login or
/// <c>users.setStatus</c>, which set <c>status</c>) keeps their chats.
/// </summary>
public sealed class AgentLeaveAction : ITimedAction
{
    public string Name => "agent-leave";

    public async Task<int> RunDueAsync(IServiceProvider services, DateTime now, CancellationToken ct)
    {
        var settings = services.GetRequiredService<SettingsStore>();
        var action = await settings.GetStringAsync("Livechat_agent_leave_action", ct);
        if (action is not ("close" or "forward")) return 0;
        var gone = now.AddSeconds(-Math.Max(0, await settings.GetIntAsync("Livechat_agent_leave_action_timeout", ct)));
        var comment = await settings.GetStringAsync("Livechat_agent_leave_comment", ct);
        var db = services.GetRequiredService<LivechatDb>();
        var due = await db.Rooms.AsNoTracking()
            .Where(r => r.Open && db.Users.Any(u => u.Id == r.ServedById && u.Status == "offline" && u.StatusConnection == "offline"
                && u.OfflineSince != null && u.OfflineSince <= gone))
            .OrderBy(r => r.Ts).Select(r => new { r.Id, AgentId = r.ServedById! }).Take(200).ToListAsync(ct);
        var done = 0;
        foreach (var item in due)
        {
            db.ChangeTracker.Clear();
            var agent = await db.Users.AsNoTracking().Where(u => u.Id == item.AgentId).Select(u => new { u.Username, u.Name }).FirstAsync(ct);
            var room = await db.Rooms.FirstOrDefaultAsync(r => r.Id == item.Id && r.Open && r.ServedById == item.AgentId, ct);
            if (room is null) continue;
            if (action == "close")
            {
                // As Rocket.Chat's closeOpenChats: closed by the agent, with the setting's comment.
                if (await RoomClosing.CloseAsync(db, settings, room, "user", item.AgentId, agent.Username, agent.Name, comment, [], now, ct)) done++;
                continue;
            }
            // forward: back to the department's queue as the agent's own return (history message, joined users out), then
            // routed again. The room's version guards the write: another process, or the agent coming back, wins.
            if (await db.Inquiries.FirstOrDefaultAsync(i => i.Rid == room.Id, ct) is not { } inquiry) continue;
            await Transfers.ReturnToQueueAsync(db, room, inquiry, new TransferredBy(item.AgentId, agent.Username, agent.Name, "agent"),
                departmentId: null, now, ct);
            try
            {
                await services.GetRequiredService<Writes>().SaveAsync(db, ct);
            }
            catch (DbUpdateConcurrencyException)
            {
                continue;
            }
            done++;
            await Routing.RouteAsync(db, settings, inquiry.Id, inquiry.Department, now, ct);
        }
        return done;
    }
}
