using Livechat.Server.Agents;
using Livechat.Server.Data;
using Livechat.Server.Http;
using Livechat.Server.Settings;
using Livechat.Server.Users;
using Livechat.Server.Visitors;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Rooms;

/// <summary>Room creation and agent assignment (livechat-endpoints §4.3).</summary>
public static class Routing
{
    /// <summary>Active agents with <c>statusLivechat == "available"</c>, restricted to the department's agents when given.</summary>
    public static IQueryable<User> AvailableAgents(LivechatDb db, string? departmentId)
    {
        var agents = db.Users.Where(u => u.Active && u.StatusLivechat == "available" && u.Roles.Contains(AgentRoles.Agent));
        return departmentId is null ? agents
            : agents.Where(u => db.DepartmentAgents.Any(a => a.AgentId == u.Id && a.DepartmentId == departmentId && a.DepartmentEnabled));
    }

    /// <summary>
    /// Auto_Selection's choice: the preferred agent when available, else the one with the fewest open served rooms, ties
    /// to the longest since the last assignment (never assigned first), then to the username in ordinal order.
    /// </summary>
    public static async Task<User?> SelectAgentAsync(LivechatDb db, string? departmentId, string? preferredAgentId, CancellationToken ct)
    {
        var candidates = await AvailableAgents(db, departmentId).ToListAsync(ct);
        if (candidates.Count == 0) return null;
        if (preferredAgentId is not null && candidates.FirstOrDefault(a => a.Id == preferredAgentId) is { } preferred) return preferred;
        var ids = candidates.Select(c => c.Id).ToList();
        var load = await db.Rooms.Where(r => r.Open && r.ServedById != null && ids.Contains(r.ServedById))
            .GroupBy(r => r.ServedById!).Select(g => new { Id = g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Id, g => g.Count, ct);
        return candidates
            .OrderBy(a => load.GetValueOrDefault(a.Id))
            .ThenBy(a => a.LastRoutingTime ?? DateTime.MinValue)
            .ThenBy(a => a.Username, StringComparer.Ordinal)
            .First();
    }

    /// <summary>Assigns a tracked room and its inquiry to an agent; the caller saves in its transaction.</summary>
    public static void Assign(LivechatRoom room, Inquiry? inquiry, User agent, DateTime now)
    {
        room.ServedById = agent.Id;
        room.ServedByUsername = agent.Username;
        room.ServedByTs = now;
        if (inquiry is not null)
        {
            inquiry.Status = "taken";
            inquiry.TakenAt = now;
            inquiry.UpdatedAt = now;
        }
        agent.LastRoutingTime = now;
    }

    /// <summary>
    /// Whether a room may open in <paramref name="department"/> (Rocket.Chat's <c>online(department)</c>): chats are
    /// accepted with nobody online, or an agent there is available.
    /// </summary>
    public static async Task<bool> AcceptsChatsAsync(LivechatDb db, SettingsStore settings, string? department, CancellationToken ct) =>
        await settings.GetBoolAsync("Livechat_accept_chats_with_no_agents", ct) || await AvailableAgents(db, department).AnyAsync(ct);

    /// <summary>
    /// Creates the visitor's room with its inquiry and routes it, then sets the visitor's <c>lastChat</c>, in one
    /// write. The agent is chosen before the write, from the load as it was read. Throws the no-agent-online error
    /// when nobody could ever take the room.
    /// </summary>
    public static async Task<LivechatRoom> CreateRoomAsync(LivechatDb db, Writes writes, SettingsStore settings, Visitor visitor, string? agentId,
        (string Type, string? Destination) source, DateTime now, CancellationToken ct)
    {
        var department = visitor.Department;
        if (!await AcceptsChatsAsync(db, settings, department, ct))
        {
            throw ApiError.Coded("no-agent-online", "Sorry, no online agents").ToException();
        }
        var room = new LivechatRoom
        {
            Id = Ids.NewId(),
            Fname = visitor.Name ?? visitor.Username,
            Ts = now,
            Lm = now,
            UpdatedAt = now,
            VisitorId = visitor.Id,
            VisitorUsername = visitor.Username,
            VisitorToken = visitor.Token,
            VisitorStatus = "online",
            DepartmentId = department,
            SourceType = source.Type,
            SourceDestination = source.Destination,
        };
        var inquiry = new Inquiry
        {
            Id = Ids.NewObjectId(),
            Rid = room.Id,
            Name = room.Fname,
            VisitorId = visitor.Id,
            VisitorUsername = visitor.Username,
            VisitorToken = visitor.Token,
            VisitorStatus = visitor.Status,
            Department = department,
            Ts = now,
            QueuedAt = now,
            UpdatedAt = now,
            SourceType = source.Type,
            SourceDestination = source.Destination,
        };
        db.Rooms.Add(room);
        db.Inquiries.Add(inquiry);
        var agent = await settings.GetStringAsync("Livechat_Routing_Method", ct) == "Auto_Selection"
            ? await SelectAgentAsync(db, department, agentId, ct) : null;
        if (agent is not null)
        {
            Assign(room, inquiry, agent, now);
        }
        else
        {
            room.QueuedAt = now;
        }
        // lastChat is bookkeeping written in place, version bumped: the visitor was read before the write and may be
        // stale, and a version check on it would refuse the room for an unrelated edit of the visitor.
        await writes.RunAsync(db, async (write, c) =>
        {
            await write.SaveChangesAsync(c);
            return await write.Visitors.Where(v => v.Id == visitor.Id).ExecuteUpdateAsync(s => s
                .SetProperty(v => v.LastChatId, room.Id).SetProperty(v => v.LastChatTs, now).SetProperty(v => v.UpdatedAt, now)
                .SetProperty(v => v.Version, v => v.Version + 1), c);
        }, ct);
        var entry = db.Entry(visitor);
        if (entry.State != EntityState.Detached) entry.State = EntityState.Detached;
        (visitor.LastChatId, visitor.LastChatTs, visitor.UpdatedAt) = (room.Id, now, now);
        return room;
    }
}
