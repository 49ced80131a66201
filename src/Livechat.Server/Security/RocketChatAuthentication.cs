using System.Security.Claims;
using System.Text.Encodings.Web;
using Livechat.Server.Data;
using Livechat.Server.Http;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Livechat.Server.Security;

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
        var caller = await cache.ResolveAsync(db, Ids.HashToken(token), userId, Context.RequestAborted);
        if (caller is null)
        {
            return AuthenticateResult.Fail("Invalid credentials");
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
        services.AddHostedService<AuthCacheRelay>();
        services.AddScoped<IAuthorizationHandler, PermissionHandler>();
        return services;
    }
}

