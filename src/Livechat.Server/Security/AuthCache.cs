using System.Collections.Concurrent;
using Livechat.Server.Auth;
using Livechat.Server.Data;
using Livechat.Server.Events;
using Livechat.Server.Http;
using Livechat.Server.Settings;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Security;

/// <summary>
/// Token → caller lookups for REST requests and DDP sessions, remembered for a short while so that a request costs
/// no authentication query. A token is valid while it is stored, its user is active and (for login tokens) it is
/// younger than <c>Accounts_LoginExpiration</c> days. Logout, token removal and role changes call
/// <see cref="Invalidate"/>, which applies to the very next lookup of this process and tells the open DDP sessions
/// (<see cref="Invalidated"/>); <see cref="Announce"/> carries the same invalidation to the other processes on the
/// database (<see cref="AuthCacheRelay"/>), and <see cref="MaxAge"/> bounds what a lost announcement can leave behind.
/// </summary>
public sealed class AuthCache(TimeProvider time, SettingsStore settings)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(2);
    const int MaxEntries = 100_000;

    readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<string, int> _versions = new(StringComparer.Ordinal);

    sealed record Entry(CurrentUser User, int Version, DateTimeOffset Expires);

    /// <summary>Raised with the user's id after <see cref="Invalidate"/>: their open sessions check their login again.</summary>
    public event Action<string>? Invalidated;

    /// <summary>The caller a token (by its hash) logs in, or null when the token is unknown, expired or its user inactive.</summary>
    public async Task<CurrentUser?> ResolveAsync(LivechatDb db, string tokenHash, string userId, CancellationToken ct)
    {
        if (Get(tokenHash, userId) is { } cached) return cached;
        var version = VersionOf(userId);
        var now = time.UtcNow();
        var lifetime = await LoginExpiration.LifetimeAsync(settings, ct);
        var oldest = now - lifetime;
        var found = await db.LoginTokens.AsNoTracking()
            .Where(t => t.HashedToken == tokenHash && t.UserId == userId && (t.Type != null || t.When > oldest))
            .Join(db.Users.Where(u => u.Active), t => t.UserId, u => u.Id,
                (t, u) => new { User = new CurrentUser(u.Id, u.Username, u.Roles, t.Id), t.When, t.Type })
            .FirstOrDefaultAsync(ct);
        if (found is null) return null;
        var expires = time.GetUtcNow() + MaxAge;
        // A cached login never outlives its token.
        if (found.Type is null && new DateTimeOffset(DateTime.SpecifyKind(found.When + lifetime, DateTimeKind.Utc)) is var end && end < expires)
        {
            expires = end;
        }
        Set(tokenHash, found.User, version, expires);
        return found.User;
    }

    CurrentUser? Get(string tokenHash, string userId) =>
        _entries.TryGetValue(tokenHash, out var entry) && entry.User.Id == userId && entry.Expires > time.GetUtcNow()
            && entry.Version == VersionOf(userId)
            ? entry.User
            : null;

    /// <summary>The user's version before the lookup; an invalidation during the lookup makes the stored entry stale.</summary>
    int VersionOf(string userId) => _versions.GetValueOrDefault(userId);

    void Set(string tokenHash, CurrentUser user, int version, DateTimeOffset expires)
    {
        if (_entries.Count >= MaxEntries)
        {
            _entries.Clear();
        }
        _entries[tokenHash] = new Entry(user, version, expires);
    }

    /// <summary>Forgets every remembered token of the user (logout, token removed, roles or activation changed).</summary>
    public void Invalidate(string userId)
    {
        _versions.AddOrUpdate(userId, 1, (_, v) => v + 1);
        Invalidated?.Invoke(userId);
    }

    /// <summary>
    /// Adds the invalidation to <paramref name="db"/>'s next save, as a change event that the other processes on the
    /// database apply when it commits. Call <see cref="Invalidate"/> for this process after the commit.
    /// </summary>
    public static void Announce(LivechatDb db, string userId) => db.RecordChange(new ChangeEvent
    {
        Type = ChangeTypes.LoginChanged, Ts = default, Actor = ChangeActor.System, UserId = userId,
    });
}

/// <summary>Applies the <see cref="AuthCache.Announce"/>d invalidations of the other server processes (PostgreSQL).</summary>
sealed class AuthCacheRelay(IChangeFeed feed, AuthCache cache) : IHostedService
{
    IDisposable? _subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = feed.Subscribe((change, _) =>
        {
            if (change is { Type: ChangeTypes.LoginChanged, Remote: true, UserId: { } userId }) cache.Invalidate(userId);
            return ValueTask.CompletedTask;
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        return Task.CompletedTask;
    }
}
