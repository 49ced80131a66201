using System.Text.Json;
using System.Text.Json.Nodes;
using Livechat.Server.Data;
using Livechat.Server.Http;
using Livechat.Server.Idempotency;
using Livechat.Server.Security;
using Livechat.Server.Settings;
using Livechat.Server.Users;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Auth;

public static class LoginEndpoints
{
    // POST login                              none
    // POST logout (GET too)                   auth
    // GET  me                                 auth
    // POST users.generatePersonalAccessToken  auth; create-personal-access-tokens (checked in the handler)
    // POST users.removePersonalAccessToken    auth; same
    // GET  users.getPersonalAccessTokens      auth; same
    public static IEndpointRouteBuilder MapAuth(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1").WithTags("Authentication");
        group.MapPost("/login", Login).MintsCredentials();
        group.MapMethods("/logout", ["GET", "POST"], Logout).RequireRocketChatAuth();
        group.MapGet("/me", Me).RequireRocketChatAuth();
        group.MapPost("/users.generatePersonalAccessToken", GenerateToken).RequireRocketChatAuth().MintsCredentials();
        group.MapPost("/users.removePersonalAccessToken", RemoveToken).RequireRocketChatAuth();
        group.MapGet("/users.getPersonalAccessTokens", ListTokens).RequireRocketChatAuth();
        return app;
    }

    static async Task<Results<Ok<LoginResponse>, ApiError>> Login(
        JsonBody body, HttpContext http, LivechatDb db, LoginGuard guard, SettingsStore settings, TimeProvider time, CancellationToken ct)
    {
        var request = body.Object ?? [];
        if (request["resume"] is JsonValue resume && resume.GetValueKind() == JsonValueKind.String)
        {
            return await ResumeAsync(resume.GetValue<string>(), http, db, settings, time, ct);
        }
        if (LoginRequest.Parse(request) is not { } login)
        {
            return LoginFailure(400, "Unrecognized options for login request");
        }

        var ip = ForwardedHeadersSetup.ClientIp(http);
        if (await guard.BlockedAsync(ip, login.Username ?? login.Email, ct) is { } blocked)
        {
            await guard.RecordAsync(ip, login.Username ?? login.Email, false, ct);
            return blocked;
        }
        var user = login.Email is { } email
            ? await db.Users.FirstOrDefaultAsync(u => u.Email == email.Trim().ToLowerInvariant(), ct)
            : await db.Users.FirstOrDefaultAsync(u => u.UsernameKey == login.Username!.ToLowerInvariant(), ct);
        if (user is null)
        {
            // The same password check as for a known user, so the answer's timing does not tell which usernames exist.
            Passwords.VerifyDummy(login.Digest);
            await guard.RecordAsync(ip, login.Username ?? login.Email, false, ct);
            return LoginFailure("Unauthorized", "Unauthorized");
        }
        if (!Passwords.Verify(user, login.Digest))
        {
            await guard.RecordAsync(ip, user.Username, false, ct);
            return LoginFailure(403, "Incorrect password");
        }
        if (!user.Active)
        {
            await guard.RecordAsync(ip, user.Username, false, ct);
            return LoginFailure("error-user-is-not-activated", "User is not activated");
        }

        var token = Ids.NewSecret();
        var now = time.UtcNow();
        db.LoginTokens.Add(new LoginToken { Id = Ids.NewObjectId(), UserId = user.Id, HashedToken = Ids.HashToken(token), When = now });
        user.Status = "online";
        user.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        await guard.RecordAsync(ip, user.Username, true, ct);
        return TypedResults.Ok(new LoginResponse("success", new LoginData(user.Id, token, MeView.From(user, Origin(http)))));
    }

    /// <summary>Meteor's resume login: the token stays the same and is answered in the same shape.</summary>
    static async Task<Results<Ok<LoginResponse>, ApiError>> ResumeAsync(
        string token, HttpContext http, LivechatDb db, SettingsStore settings, TimeProvider time, CancellationToken ct)
    {
        if (await ResumeTokens.FindAsync(db, token, ct) is not { User: var user } found)
        {
            return LoginFailure(403, ResumeTokens.LoggedOut);
        }
        if (LoginExpiration.ExpiresAt(found.Token, await LoginExpiration.LifetimeAsync(settings, ct)) <= time.UtcNow())
        {
            return LoginFailure(403, LoginExpiration.Expired);
        }
        if (!user.Active)
        {
            return LoginFailure("error-user-is-not-activated", "User is not activated");
        }
        return TypedResults.Ok(new LoginResponse("success", new LoginData(user.Id, token, MeView.From(user, Origin(http)))));
    }

    static async Task<Results<Ok<LogoutResponse>, ApiError>> Logout(
        CurrentUser caller, LivechatDb db, AuthCache cache, TimeProvider time, CancellationToken ct)
    {
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            await db.LoginTokens.Where(t => t.Id == caller.TokenId).ExecuteDeleteAsync(ct);
            AuthCache.Announce(db, caller.Id);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        cache.Invalidate(caller.Id);
        if (!await db.LoginTokens.AnyAsync(t => t.UserId == caller.Id && t.Type == null, ct))
        {
            var now = time.UtcNow();
            await db.Users.Where(u => u.Id == caller.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(u => u.Status, "offline").SetProperty(u => u.UpdatedAt, now), ct);
        }
        return TypedResults.Ok(new LogoutResponse("success", new LogoutData("You've been logged out!")));
    }

    static async Task<Results<Ok<Merged<MeView>>, ApiError>> Me(CurrentUser caller, HttpContext http, LivechatDb db, CancellationToken ct)
    {
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == caller.Id, ct);
        return user is null ? ApiError.Unauthorized() : TypedResults.Ok(Merged.Of(MeView.From(user, Origin(http))));
    }

    static async Task<Results<Ok<TokenResponse>, ApiError>> GenerateToken(
        JsonBody body, CurrentUser caller, LivechatDb db, PermissionStore permissions, TimeProvider time, CancellationToken ct)
    {
        var name = TokenName(body);
        if (name is null) return ApiError.Failure("The 'tokenName' param is required");
        if (!await permissions.HasAsync(caller, Permissions.CreatePersonalAccessTokens, ct)) return NotAuthorized();
        if (await db.LoginTokens.AnyAsync(t => t.UserId == caller.Id && t.Type == PersonalAccessToken && t.Name == name, ct))
        {
            return ApiError.Coded("error-token-already-exists", "A token with this name already exists");
        }
        var token = Ids.NewSecret();
        db.LoginTokens.Add(new LoginToken
        {
            Id = Ids.NewObjectId(), UserId = caller.Id, HashedToken = Ids.HashToken(token), When = time.UtcNow(),
            Type = PersonalAccessToken, Name = name, LastTokenPart = token[^6..],
            BypassTwoFactor = body.Object?["bypassTwoFactor"] is JsonValue v && v.GetValueKind() == JsonValueKind.True,
        });
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(new TokenResponse(token));
    }

    static async Task<Results<Ok<SuccessResponse>, ApiError>> RemoveToken(
        JsonBody body, CurrentUser caller, LivechatDb db, PermissionStore permissions, AuthCache cache, CancellationToken ct)
    {
        var name = TokenName(body);
        if (name is null) return ApiError.Failure("The 'tokenName' param is required");
        if (!await permissions.HasAsync(caller, Permissions.CreatePersonalAccessTokens, ct)) return NotAuthorized();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var removed = await db.LoginTokens
            .Where(t => t.UserId == caller.Id && t.Type == PersonalAccessToken && t.Name == name).ExecuteDeleteAsync(ct);
        if (removed > 0)
        {
            AuthCache.Announce(db, caller.Id);
            await db.SaveChangesAsync(ct);
        }
        await tx.CommitAsync(ct);
        cache.Invalidate(caller.Id);
        return removed == 0
            ? ApiError.Coded("error-token-does-not-exists", "Token does not exist")
            : TypedResults.Ok(SuccessResponse.Instance);
    }

    static async Task<Results<Ok<TokensResponse>, ApiError>> ListTokens(
        CurrentUser caller, LivechatDb db, PermissionStore permissions, CancellationToken ct)
    {
        if (!await permissions.HasAsync(caller, Permissions.CreatePersonalAccessTokens, ct)) return NotAuthorized();
        var tokens = await db.LoginTokens.AsNoTracking()
            .Where(t => t.UserId == caller.Id && t.Type == PersonalAccessToken)
            .OrderBy(t => t.When)
            .Select(t => new PersonalAccessTokenView(t.Name!, t.When, t.LastTokenPart!, t.BypassTwoFactor))
            .ToListAsync(ct);
        return TypedResults.Ok(new TokensResponse(tokens));
    }

    const string PersonalAccessToken = "personalAccessToken";

    static string? TokenName(JsonBody body) =>
        body.Object?["tokenName"] is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>().Length > 0
            ? v.GetValue<string>() : null;

    static ApiError NotAuthorized() => ApiError.Coded("not-authorized", "Not Authorized");

    /// <summary>Login failures are 401 with <c>status: "error"</c>; <c>error</c> is sometimes a number (Rocket.Chat's).</summary>
    internal static ApiError LoginFailure(JsonNode error, string message) => ApiError.Custom(StatusCodes.Status401Unauthorized, new JsonObject
    {
        ["success"] = false,
        ["status"] = "error",
        ["error"] = error,
        ["message"] = message,
    });

    public static string Origin(HttpContext http) => $"{http.Request.Scheme}://{http.Request.Host}";
}
