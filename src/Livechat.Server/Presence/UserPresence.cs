using System.Collections.Concurrent;
using Livechat.Server.Data;
using Livechat.Server.Http;
using Livechat.Server.Settings;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Presence;

/// <summary>
/// Who is connected, as Rocket.Chat's presence service computes it. Every logged-in DDP connection is a row of
/// <c>user_connections</c> (so every server process on one PostgreSQL sees it) with its own status, <c>online</c> or
/// <c>away</c>; the user's <c>statusConnection</c> is the best of them (<c>offline</c> with none), and <c>status</c> is
/// that, or the user's chosen <c>statusDefault</c> (<c>busy</c>, <c>away</c>) while connected. Each process beats for
/// its own connections at every pass of the timed actions (<see cref="PresenceUpkeep"/>); rows of a process that stopped
/// beating lapse after <see cref="ConnectionLifetime"/>.
/// </summary>
public sealed class UserPresence(IServiceScopeFactory scopes, TimeProvider time, IConfiguration config)
{
    /// <summary>This process, as its connection rows name it.</summary>
    public string ProcessId { get; } = Ids.NewId();

    /// <summary>How long a connection row outlives its process's last heartbeat (<c>Presence:ConnectionLifetimeSeconds</c>, default 90).</summary>
    public TimeSpan ConnectionLifetime => TimeSpan.FromSeconds(Math.Max(10, config.GetValue("Presence:ConnectionLifetimeSeconds", 90)));

    /// <summary>This process's logged-in connections: their user, status and last activity (for the idle check).</summary>
    readonly ConcurrentDictionary<string, Local> _local = new(StringComparer.Ordinal);

    sealed class Local(string userId, DateTime activity)
    {
        public string UserId { get; } = userId;
        public DateTime LastActivity { get; set; } = activity;
        public string Status { get; set; } = "online";

        /// <summary>Away because the connection was idle (not because the client said so): activity brings it back.</summary>
        public bool AutoAway { get; set; }
    }

    /// <summary>A DDP connection logged in as <paramref name="userId"/>: the user is online from now on.</summary>
    public async Task ConnectAsync(string sessionId, string userId, CancellationToken ct)
    {
        var now = time.UtcNow();
        _local[sessionId] = new Local(userId, now);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LivechatDb>();
        await ChangeAsync(db, userId, now, async () =>
        {
            await db.UserConnections.Where(c => c.Id == sessionId).ExecuteDeleteAsync(ct);
            db.UserConnections.Add(new AgentConnection
            {
                Id = sessionId, UserId = userId, ProcessId = ProcessId, Status = "online", ConnectedAt = now, HeartbeatAt = now,
            });
        }, ct);
    }

    /// <summary>The connection closed or logged out: without another, the user goes offline.</summary>
    public async Task DisconnectAsync(string sessionId, CancellationToken ct)
    {
        if (!_local.TryRemove(sessionId, out var local)) return;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LivechatDb>();
        await ChangeAsync(db, local.UserId, time.UtcNow(), () => db.UserConnections.Where(c => c.Id == sessionId).ExecuteDeleteAsync(ct), ct);
    }

    /// <summary>Rocket.Chat's <c>UserPresence:away</c> / <c>UserPresence:online</c>: this connection's own status.</summary>
    public Task SetConnectionStatusAsync(string sessionId, string status, CancellationToken ct) => SetAsync(sessionId, status, auto: false, ct);

    /// <summary>A message from the client: it is not idle; a connection made away by idleness comes back online.</summary>
    public async Task TouchAsync(string sessionId, CancellationToken ct)
    {
        if (!_local.TryGetValue(sessionId, out var local)) return;
        local.LastActivity = time.UtcNow();
        if (local.AutoAway) await SetAsync(sessionId, "online", auto: false, ct);
    }

    /// <summary>Rocket.Chat's <c>UserPresence:setDefaultStatus</c>: the chosen status, shown while the user is connected.</summary>
    public async Task SetDefaultStatusAsync(string userId, string status, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LivechatDb>();
        await ChangeAsync(db, userId, time.UtcNow(),
            () => db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(s => s.SetProperty(u => u.StatusDefault, status), ct), ct);
    }

    async Task SetAsync(string sessionId, string status, bool auto, CancellationToken ct)
    {
        if (!_local.TryGetValue(sessionId, out var local)) return;
        local.AutoAway = auto && status == "away";
        if (local.Status == status) return;
        local.Status = status;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LivechatDb>();
        await ChangeAsync(db, local.UserId, time.UtcNow(),
            () => db.UserConnections.Where(c => c.Id == sessionId).ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, status), ct), ct);
    }

    /// <summary>
    /// This process's heartbeat (its rows live on), its idle connections made away, and the rows of processes that
    /// stopped beating removed; returns how many users' status changed.
    /// </summary>
    public async Task<int> UpkeepAsync(LivechatDb db, SettingsStore settings, DateTime now, CancellationToken ct)
    {
        // No connection here, no row of this process to renew: no write every pass on an idle server.
        var beating = _local.IsEmpty ? 0
            : await db.UserConnections.Where(c => c.ProcessId == ProcessId).ExecuteUpdateAsync(s => s.SetProperty(c => c.HeartbeatAt, now), ct);
        if (beating < _local.Count)
        {
            // Our rows were taken for lapsed (this process stalled longer than their lifetime): put them back.
            var known = await db.UserConnections.Where(c => c.ProcessId == ProcessId).Select(c => c.Id).ToListAsync(ct);
            foreach (var (id, local) in _local.Where(l => !known.Contains(l.Key)).ToList())
            {
                await ConnectAsync(id, local.UserId, ct);
            }
        }
        var changed = 0;
        var idleLimit = await settings.GetIntAsync("Accounts_Default_User_Preferences_idleTimeLimit", ct);
        if (await settings.GetBoolAsync("Accounts_Default_User_Preferences_enableAutoAway", ct) && idleLimit > 0)
        {
            foreach (var (id, _) in _local.Where(l => l.Value.Status == "online" && l.Value.LastActivity <= now.AddSeconds(-idleLimit)).ToList())
            {
                await SetAsync(id, "away", auto: true, ct);
                changed++;
            }
        }
        var lapsedBefore = now - ConnectionLifetime;
        var lapsed = await db.UserConnections.AsNoTracking().Where(c => c.HeartbeatAt < lapsedBefore)
            .OrderBy(c => c.HeartbeatAt).Select(c => new { c.Id, c.UserId, c.HeartbeatAt }).Take(500).ToListAsync(ct);
        foreach (var row in lapsed)
        {
            // Whoever deletes the row recomputes its user: the delete is the claim, so two processes do it once.
            await ChangeAsync(db, row.UserId, row.HeartbeatAt, async () =>
            {
                if (await db.UserConnections.Where(c => c.Id == row.Id && c.HeartbeatAt < lapsedBefore).ExecuteDeleteAsync(ct) > 0) changed++;
            }, ct);
        }
        return changed;
    }

    /// <summary>
    /// Runs <paramref name="change"/> on the user's connections and sets the user's <c>statusConnection</c> and
    /// <c>status</c> from what is left, in one transaction that holds the user's row, so concurrent changes of one
    /// user's connections (from any process) apply one after the other.
    /// </summary>
    static async Task ChangeAsync(LivechatDb db, string userId, DateTime now, Func<Task> change, CancellationToken ct)
    {
        db.ChangeTracker.Clear();   // the user as it is now, not as an earlier change of this context left it
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (db.IsPostgres) await db.Database.ExecuteSqlAsync($"SELECT 1 FROM users WHERE \"Id\" = {userId} FOR UPDATE", ct);
        await change();
        await db.SaveChangesAsync(ct);
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == userId, ct);
        if (user is not null)
        {
            var statuses = await db.UserConnections.Where(c => c.UserId == userId).Select(c => c.Status).ToListAsync(ct);
            var connection = statuses.Contains("online") ? "online" : statuses.Contains("away") ? "away" : "offline";
            if (connection == "offline" && user.StatusConnection != "offline") user.OfflineSince = now;
            if (connection != "offline") user.OfflineSince = null;
            var status = StatusOf(connection, user.StatusDefault);
            if (user.StatusConnection != connection || user.Status != status)
            {
                user.StatusConnection = connection;
                user.Status = status;
                user.UpdatedAt = now;
            }
            await db.SaveChangesAsync(ct);
        }
        await tx.CommitAsync(ct);
    }

    /// <summary>Rocket.Chat's <c>processStatus</c>: offline without a connection, else the chosen status unless that is <c>online</c>.</summary>
    public static string StatusOf(string statusConnection, string statusDefault) =>
        statusConnection == "offline" ? "offline" : statusDefault == "online" ? statusConnection : statusDefault;
}
