using System.Linq.Expressions;
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
    /// <summary>Active agents with <c>statusLivechat == "available"</c>.</summary>
    static readonly Expression<Func<User, bool>> IsAvailableAgent =
        u => u.Active && u.StatusLivechat == "available" && u.Roles.Contains(AgentRoles.Agent);

    /// <summary>Active agents with <c>statusLivechat == "available"</c>, restricted to the department's agents when given.</summary>
    public static IQueryable<User> AvailableAgents(LivechatDb db, string? departmentId)
    {
        var agents = db.Users.Where(IsAvailableAgent);
        return departmentId is null ? agents
            : agents.Where(u => db.DepartmentAgents.Any(a => a.AgentId == u.Id && a.DepartmentId == departmentId && a.DepartmentEnabled));
    }

    /// <summary>An available agent as routing weighs it: its open served rooms come from <see cref="User.OpenRoomCount"/>.</summary>
    public sealed record Candidate(string Id, string Username, DateTime? LastRoutingTime, int OpenRooms);

    // AvailableAgents with and without a department, compiled: they run for each room opened.
    static readonly CompiledQuery<Func<LivechatDb, IAsyncEnumerable<Candidate>>> AllCandidates = new(() => EF.CompileAsyncQuery((LivechatDb db) =>
        db.Users.Where(IsAvailableAgent).Select(u => new Candidate(u.Id, u.Username, u.LastRoutingTime, u.OpenRoomCount))));

    static readonly CompiledQuery<Func<LivechatDb, string, IAsyncEnumerable<Candidate>>> DepartmentCandidates = new(() => EF.CompileAsyncQuery(
        (LivechatDb db, string departmentId) => db.Users.Where(IsAvailableAgent)
            .Where(u => db.DepartmentAgents.Any(a => a.AgentId == u.Id && a.DepartmentId == departmentId && a.DepartmentEnabled))
            .Select(u => new Candidate(u.Id, u.Username, u.LastRoutingTime, u.OpenRoomCount))));

    /// <summary>The agents a room of the department (or of none) could be routed to, with their loads.</summary>
    public static async Task<List<Candidate>> CandidatesAsync(LivechatDb db, string? departmentId, CancellationToken ct)
    {
        var candidates = new List<Candidate>();
        await foreach (var candidate in (departmentId is null ? AllCandidates.For(db)(db) : DepartmentCandidates.For(db)(db, departmentId)).WithCancellation(ct))
        {
            candidates.Add(candidate);
        }
        return candidates;
    }

    /// <summary>
    /// Auto_Selection's choice: the preferred agent when available, else the one with the fewest open served rooms, ties
    /// to the longest since the last assignment (never assigned first), then to the username in ordinal order.
    /// </summary>
    public static Candidate? SelectAgent(List<Candidate> candidates, string? preferredAgentId)
    {
        if (candidates.Count == 0) return null;
        if (preferredAgentId is not null && candidates.Find(a => a.Id == preferredAgentId) is { } preferred) return preferred;
        return candidates
            .OrderBy(a => a.OpenRooms)
            .ThenBy(a => a.LastRoutingTime ?? DateTime.MinValue)
            .ThenBy(a => a.Username, StringComparer.Ordinal)
            .First();
    }

    /// <inheritdoc cref="SelectAgent"/>
    public static async Task<Candidate?> SelectAgentAsync(LivechatDb db, string? departmentId, string? preferredAgentId, CancellationToken ct) =>
        SelectAgent(await CandidatesAsync(db, departmentId, ct), preferredAgentId);

    /// <summary>
    /// Assigns a tracked room and its inquiry to an agent; the caller saves in its transaction, and sets the agent's
    /// <c>lastRoutingTime</c>. The agent's open-room count follows from the room's row (the rooms table's triggers).
    /// </summary>
    public static void Assign(LivechatRoom room, Inquiry? inquiry, string agentId, string agentUsername, DateTime now)
    {
        room.ServedById = agentId;
        room.ServedByUsername = agentUsername;
        room.ServedByTs = now;
        if (inquiry is not null)
        {
            inquiry.Status = "taken";
            inquiry.TakenAt = now;
            inquiry.UpdatedAt = now;
        }
    }

    /// <summary>
    /// Whether a room may open in <paramref name="department"/> (Rocket.Chat's <c>online(department)</c>): chats are
    /// accepted with nobody online, or an agent there is available.
    /// </summary>
    public static async Task<bool> AcceptsChatsAsync(LivechatDb db, SettingsStore settings, string? department, CancellationToken ct) =>
        await settings.GetBoolAsync("Livechat_accept_chats_with_no_agents", ct) || await AvailableAgents(db, department).AnyAsync(ct);

    /// <summary>
    /// Creates the visitor's room with its inquiry and routes it, then sets the visitor's <c>lastChat</c> (and the
    /// agent's <c>lastRoutingTime</c>), in one write. The agent is chosen before the write, from the loads as they were
    /// read. Throws the no-agent-online error when nobody could ever take the room.
    /// </summary>
    public static async Task<LivechatRoom> CreateRoomAsync(LivechatDb db, Writes writes, SettingsStore settings, RoomQueries.RoomVisitor visitor,
        string? agentId, (string Type, string? Destination) source, DateTime now, CancellationToken ct)
    {
        var department = visitor.Department;
        // Under Auto_Selection a candidate also answers whether anyone is available: one read instead of two.
        var candidates = await settings.GetStringAsync("Livechat_Routing_Method", ct) == "Auto_Selection"
            ? await CandidatesAsync(db, department, ct) : null;
        if (candidates is not { Count: > 0 } && !await AcceptsChatsAsync(db, settings, department, ct))
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
        var agent = candidates is null ? null : SelectAgent(candidates, agentId);
        if (agent is not null)
        {
            Assign(room, inquiry, agent.Id, agent.Username, now);
        }
        else
        {
            room.QueuedAt = now;
        }
        // lastChat is bookkeeping written in place, version bumped: the visitor was read before the write and may be
        // stale, and a version check on it would refuse the room for an unrelated edit of the visitor. lastRoutingTime
        // is bookkeeping too. Hand-written: one command (one round trip on PostgreSQL), kept prepared by SQLite's writer.
        await writes.SaveAsync(db, ct, (write, c) => agent is null
            ? PreparedCommands.ExecuteAsync(write, LastChatSql, [room.Id, now, visitor.Id], c)
            : PreparedCommands.ExecuteAsync(write, LastChatAndRoutingSql, [room.Id, now, visitor.Id, agent.Id], c));
        return room;
    }

    const string LastChatSql = """
        UPDATE visitors SET "LastChatId" = @p0, "LastChatTs" = @p1, "UpdatedAt" = @p1, "Version" = "Version" + 1 WHERE "Id" = @p2;
        """;

    const string LastChatAndRoutingSql = LastChatSql + """

        UPDATE users SET "LastRoutingTime" = @p1 WHERE "Id" = @p3;
        """;
}
