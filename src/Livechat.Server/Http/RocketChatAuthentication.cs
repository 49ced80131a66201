using System.Security.Claims;
using System.Text.Encodings.Web;
using Livechat.Server.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Livechat.Server.Http;

/// <summary>The authenticated caller, bound as a handler parameter on authenticated routes.</summary>
public sealed record CurrentUser(string Id, string Username, IReadOnlyList<string> Roles, string TokenId)
{
    public static ValueTask<CurrentUser?> BindAsync(HttpContext context) => ValueTask.FromResult(From(context.User));

    public static CurrentUser? From(ClaimsPrincipal principal)
    {
        if (principal.FindFirstValue(ClaimTypes.NameIdentifier) is not { } id) return null;
        return new CurrentUser(id, principal.FindFirstValue(ClaimTypes.Name) ?? "",
            principal.FindAll(ClaimTypes.Role).Select(c => c.Value).ToList(), principal.FindFirstValue(TokenIdClaim) ?? "");
    }

    public const string TokenIdClaim = "token_id";
}

/// <summary>
/// Rocket.Chat's header authentication: <c>X-User-Id</c> + <c>X-Auth-Token</c>, the token compared by its stored hash.
/// Challenge and forbid write Rocket.Chat's 401 and 403 envelopes.
/// </summary>
public sealed class RocketChatAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, LivechatDb db, AuthCache cache)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "RocketChat";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var userId = Request.Headers["X-User-Id"].ToString();
        var token = Request.Headers["X-Auth-Token"].ToString();
        if (userId.Length == 0 || token.Length == 0)
        {
            return AuthenticateResult.NoResult();
        }
        var hash = Ids.HashToken(token);
        var caller = cache.Get(hash, userId);
        if (caller is null)
        {
            var version = cache.VersionOf(userId);
            caller = await db.LoginTokens.AsNoTracking()
                .Where(t => t.HashedToken == hash && t.UserId == userId)
                .Join(db.Users.Where(u => u.Active), t => t.UserId, u => u.Id, (t, u) => new CurrentUser(u.Id, u.Username, u.Roles, t.Id))
                .FirstOrDefaultAsync(Context.RequestAborted);
            if (caller is null)
            {
                return AuthenticateResult.Fail("Invalid credentials");
            }
            cache.Set(hash, caller, version);
        }
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, caller.Id),
            new(ClaimTypes.Name, caller.Username),
            new(CurrentUser.TokenIdClaim, caller.TokenId),
        };
        claims.AddRange(caller.Roles.Select(r => new Claim(ClaimTypes.Role, r)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        ApiError.Unauthorized().ExecuteAsync(Context);

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ApiError.PermissionDenied().ExecuteAsync(Context);
}

public static class RocketChatAuthenticationSetup
{
    public static IServiceCollection AddRocketChatAuthentication(this IServiceCollection services)
    {
        services.AddAuthentication(RocketChatAuthentication.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, RocketChatAuthentication>(RocketChatAuthentication.SchemeName, null);
        services.AddAuthorization();
        services.AddSingleton<PermissionStore>();
        services.AddSingleton<AuthCache>();
        services.AddScoped<IAuthorizationHandler, PermissionHandler>();
        return services;
    }
}

/// <summary>
/// Token → caller lookups, remembered for a short while so that a request costs no authentication query. Logout,
/// token removal and role changes call <see cref="Invalidate"/>, which applies to the very next request of this
/// process; other processes sharing the database notice within <see cref="MaxAge"/>.
/// </summary>
public sealed class AuthCache(TimeProvider time)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(2);
    const int MaxEntries = 100_000;

    readonly System.Collections.Concurrent.ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _versions = new(StringComparer.Ordinal);

    sealed record Entry(CurrentUser User, int Version, DateTimeOffset Expires);

    public CurrentUser? Get(string tokenHash, string userId) =>
        _entries.TryGetValue(tokenHash, out var entry) && entry.User.Id == userId && entry.Expires > time.GetUtcNow()
            && entry.Version == VersionOf(userId)
            ? entry.User
            : null;

    /// <summary>The user's version before the lookup; an invalidation during the lookup makes the stored entry stale.</summary>
    public int VersionOf(string userId) => _versions.GetValueOrDefault(userId);

    public void Set(string tokenHash, CurrentUser user, int version)
    {
        if (_entries.Count >= MaxEntries)
        {
            _entries.Clear();
        }
        _entries[tokenHash] = new Entry(user, version, time.GetUtcNow() + MaxAge);
    }

    /// <summary>Forgets every remembered token of the user (logout, token removed, roles or activation changed).</summary>
    public void Invalidate(string userId) => _versions.AddOrUpdate(userId, 1, (_, v) => v + 1);
}
