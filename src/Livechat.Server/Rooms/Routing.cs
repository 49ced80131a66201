using System.Linq.Expressions;
using Livechat.Server.Agents;
using Livechat.Server.Data;
using Livechat.Server.Events;
using Livechat.Server.Http;
using Livechat.Server.Settings;
using Livechat.Server.Users;
using Livechat.Server.Visitors;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Livechat.Server.Rooms;

/// <summary>Room creation and agent assignment (livechat-endpoints §4.3).</summary>
public static class Routing
{
    /// <summary>
    /// Active agents with <c>statusLivechat == "available"</c> who are online (Rocket.Chat's <c>findOnlineAgents</c>:
    /// any <c>status</c> but <c>offline</c>, so <c>away</c> and <c>busy</c> agents count; see Presence/UserPresence.cs).
    /// </summary>
    static readonly Expression<Func<User, bool>> IsAvailableAgent =
        u => u.Active && u.StatusLivechat == "available" && u.Status != "offline" && u.Roles.Contains(AgentRoles.Agent);

    /// <summary>Available, online agents, restricted to the department's agents when given.</summary>
    public static IQueryable<User> AvailableAgents(LivechatDb db, string? departmentId)
    {
        var agents = db.Users.Where(IsAvailableAgent);
        return departmentId is null ? agents
            : agents.Where(u => db.DepartmentAgents.Any(a => a.AgentId == u.Id && a.DepartmentId == departmentId && a.DepartmentEnabled));
    }

    /// <summary>An available agent as routing weighs it: its open served rooms come from <see cref="User.OpenRoomCount"/>.</summary>
    public sealed record Candidate(string Id, string Username, DateTime? LastRoutingTime, int OpenRooms);

    /// <summary>A candidate with what its capacity and idleness are judged by.</summary>
    sealed record CandidateRow(Candidate Candidate, int? AgentMax, int DepartmentMax, string StatusConnection);

    // AvailableAgents with and without a department, compiled: they run for each room opened.
    static readonly CompiledQuery<Func<LivechatDb, IAsyncEnumerable<CandidateRow>>> AllCandidates = new(() => EF.CompileAsyncQuery((LivechatDb db) =>
        db.Users.Where(IsAvailableAgent).Select(u => new CandidateRow(
            new Candidate(u.Id, u.Username, u.LastRoutingTime, u.OpenRoomCount), u.MaxNumberSimultaneousChat, 0, u.StatusConnection))));

    static readonly CompiledQuery<Func<LivechatDb, string, IAsyncEnumerable<CandidateRow>>> DepartmentCandidates = new(() => EF.CompileAsyncQuery(
        (LivechatDb db, string departmentId) => db.Users.Where(IsAvailableAgent)
            .Where(u => db.DepartmentAgents.Any(a => a.AgentId == u.Id && a.DepartmentId == departmentId && a.DepartmentEnabled))
            .Select(u => new CandidateRow(new Candidate(u.Id, u.Username, u.LastRoutingTime, u.OpenRoomCount), u.MaxNumberSimultaneousChat,
                db.Departments.Where(d => d.Id == departmentId).Select(d => d.MaxNumberSimultaneousChat).FirstOrDefault(), u.StatusConnection))));

    /// <summary>
    /// The agents a room of the department (or of none) could be routed to now, with their loads: available, online
    /// (and not idle when <c>Livechat_enabled_when_agent_idle</c> is off) and, with <c>Livechat_waiting_queue</c> on,
    /// below their chat limit (<see cref="ChatLimit"/>).
    /// </summary>
    public static async Task<List<Candidate>> CandidatesAsync(LivechatDb db, SettingsStore settings, string? departmentId, CancellationToken ct)
    {
        // As Rocket.Chat EE: chat limits hold with the waiting queue on.
        var limited = await settings.GetBoolAsync("Livechat_waiting_queue", ct);
        var globalMax = await settings.GetIntAsync("Livechat_maximum_chats_per_agent", ct);
        var idleTakes = await settings.GetBoolAsync("Livechat_enabled_when_agent_idle", ct);
        var candidates = new List<Candidate>();
        await foreach (var row in (departmentId is null ? AllCandidates.For(db)(db) : DepartmentCandidates.For(db)(db, departmentId)).WithCancellation(ct))
        {
            if (!idleTakes && row.StatusConnection == "away") continue;
            var limit = limited ? ChatLimit(row.DepartmentMax, row.AgentMax, globalMax) : 0;
            if (limit == 0 || row.Candidate.OpenRooms < limit) candidates.Add(row.Candidate);
        }
        return candidates;
    }

    /// <summary>
    /// How many open chats an agent may serve in a department, 0 for no limit (Rocket.Chat EE's
    /// <c>getMaxNumberSimultaneousChat</c>): the department's <c>maxNumberSimultaneousChat</c>, else the agent's own
    /// <c>livechat.maxNumberSimultaneousChat</c>, else <c>Livechat_maximum_chats_per_agent</c>. Counted against every open
    /// chat the agent serves.
    /// </summary>
    public static int ChatLimit(int departmentMax, int? agentMax, int globalMax) =>
        departmentMax > 0 ? departmentMax : agentMax is > 0 ? agentMax.Value : Math.Max(0, globalMax);

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
    public static async Task<Candidate?> SelectAgentAsync(LivechatDb db, SettingsStore settings, string? departmentId, string? preferredAgentId,
        CancellationToken ct) => SelectAgent(await CandidatesAsync(db, settings, departmentId, ct), preferredAgentId);

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
    /// Gives waiting chats to agents with room for them, under Auto_Selection with <c>Livechat_waiting_queue</c> on
    /// (Rocket.Chat EE's <c>processWaitingQueue</c>): the queued inquiries in queue order (priority, then arrival) that
    /// <paramref name="freedAgentId"/> could serve (those of no department or of one of theirs; every queued inquiry
    /// when null), each to the agent <see cref="SelectAgent"/> picks among <see cref="CandidatesAsync"/>. Called after a
    /// chat closes or is transferred, and by the queue drain as a safety net; returns how many chats were assigned.
    /// Each assignment is <see cref="TakeAsync"/>, so two processes never assign one chat twice.
    /// </summary>
    public static async Task<int> AssignWaitingAsync(LivechatDb db, SettingsStore settings, string? freedAgentId, DateTime now, CancellationToken ct)
    {
        if (!await settings.GetBoolAsync("Livechat_waiting_queue", ct)) return 0;
        var queued = db.Inquiries.AsNoTracking().Where(i => i.Status == "queued");
        if (freedAgentId is not null)
        {
            var departments = db.DepartmentAgents.Where(a => a.AgentId == freedAgentId && a.DepartmentEnabled).Select(a => a.DepartmentId);
            queued = queued.Where(i => i.Department == null || departments.Contains(i.Department));
        }
        var waiting = await queued.OrderBy(i => i.PriorityWeight).ThenBy(i => i.Ts).ThenBy(i => i.Id)
            .Select(i => new { i.Id, i.Department }).Take(MaxAssignedPerPass).ToListAsync(ct);
        var assigned = 0;
        var full = new HashSet<string>(StringComparer.Ordinal);   // departments ("" for none) nobody can take more of now
        foreach (var inquiry in waiting)
        {
            if (full.Contains(inquiry.Department ?? "")) continue;
            switch (await RouteAsync(db, settings, inquiry.Id, inquiry.Department, now, ct))
            {
                case null:
                    full.Add(inquiry.Department ?? "");
                    break;
                case true:
                    assigned++;
                    break;
            }
        }
        return assigned;
    }

    /// <summary>
    /// After a committed write that freed a place of <paramref name="freedAgentId"/> (a close, a transfer away from them):
    /// the next waiting chat is theirs, or another free agent's (<see cref="AssignWaitingAsync"/>). The write stands if
    /// this fails; the queue drain (Presence/QueueActions.cs) assigns the chat at its next pass.
    /// </summary>
    public static async Task FreedAsync(LivechatDb db, SettingsStore settings, string? freedAgentId, DateTime now, CancellationToken ct)
    {
        if (freedAgentId is null) return;
        try
        {
            await AssignWaitingAsync(db, settings, freedAgentId, now, ct);
        }
        catch (Exception e) when (e is DbUpdateException or System.Data.Common.DbException or TimeoutException)
        {
        }
    }

    /// <summary>
    /// Routes one queued inquiry as a new room would be under Auto_Selection: to the agent <see cref="SelectAgent"/>
    /// picks. True when assigned, false when it was taken or changed meanwhile, null when nobody can take it now (or the
    /// routing is manual).
    /// </summary>
    public static async Task<bool?> RouteAsync(LivechatDb db, SettingsStore settings, string inquiryId, string? department, DateTime now, CancellationToken ct)
    {
        if (await settings.GetStringAsync("Livechat_Routing_Method", ct) != "Auto_Selection") return null;
        if (SelectAgent(await CandidatesAsync(db, settings, department, ct), null) is not { } agent) return null;
        return await TakeAsync(db, inquiryId, agent.Id, agent.Username, now, ct);
    }

    /// <summary>How many waiting chats one call of <see cref="AssignWaitingAsync"/> looks at; the queue drain takes the rest.</summary>
    const int MaxAssignedPerPass = 50;

    /// <summary>
    /// Gives a queued inquiry's open room to an agent, in one transaction: the queued → taken switch is one conditional
    /// statement (so two agents or processes can never both take it), the room is version-checked, and the agent's
    /// <c>lastRoutingTime</c> is set. False when the inquiry was taken, or its room closed or changed, meanwhile.
    /// </summary>
    public static async Task<bool> TakeAsync(LivechatDb db, string inquiryId, string agentId, string agentUsername, DateTime now, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var inquiry = await db.Inquiries.AsNoTracking().FirstOrDefaultAsync(i => i.Id == inquiryId, ct);
        if (inquiry is null) return false;
        // The room is locked before the inquiry, in the order room.saveInfo takes them, so the two cannot deadlock.
        var room = await RoomLocks.LockAsync(db, inquiry.Rid, ct);
        if (room is not { Open: true }) return false;
        var switched = await db.Inquiries.Where(i => i.Id == inquiryId && i.Status == "queued")
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.Status, "taken").SetProperty(i => i.TakenAt, now).SetProperty(i => i.UpdatedAt, now), ct);
        if (switched == 0) return false;
        (inquiry.Status, inquiry.TakenAt, inquiry.UpdatedAt) = ("taken", now, now);
        db.RecordChange(ChangeEvents.ForInquiry(ChangeTypes.InquiryTaken, inquiry));
        Assign(room, null, agentId, agentUsername, now);
        await db.Users.Where(u => u.Id == agentId).ExecuteUpdateAsync(s => s.SetProperty(u => u.LastRoutingTime, now), ct);
        return await SaveVersionCheckedAsync(db, tx, ct);
    }

    /// <summary>Saves and commits; false (nothing kept) when a version-checked row changed since it was read.</summary>
    public static async Task<bool> SaveVersionCheckedAsync(LivechatDb db, IDbContextTransaction tx, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return false;
        }
        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>
    /// Whether a room may open in <paramref name="department"/> (Rocket.Chat's <c>online(department)</c>): chats are
    /// accepted with nobody online, or an agent there is available.
    /// </summary>
    public static async Task<bool> AcceptsChatsAsync(LivechatDb db, SettingsStore settings, string? department, CancellationToken ct)
    {
        if (await settings.GetBoolAsync("Livechat_accept_chats_with_no_agents", ct)) return true;
        // Idle (away) agents count unless Livechat_enabled_when_agent_idle is off, as for routing.
        var idleTakes = await settings.GetBoolAsync("Livechat_enabled_when_agent_idle", ct);
        return await AvailableAgents(db, department).AnyAsync(u => idleTakes || u.StatusConnection != "away", ct);
    }

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
            ? await CandidatesAsync(db, settings, department, ct) : null;
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
