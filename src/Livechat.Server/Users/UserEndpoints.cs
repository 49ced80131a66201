using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Livechat.Server.Auth;
using Livechat.Server.Data;
using Livechat.Server.Http;
using Livechat.Server.Security;
using Livechat.Server.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Users;

public static partial class UserEndpoints
{
    // POST users.create   create-user
    // GET  users.info     auth
    public static IEndpointRouteBuilder MapUsers(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1").WithTags("Users");
        group.MapPost("/users.create", Create).RequirePermission(Permissions.CreateUser);
        group.MapGet("/users.info", Info).RequireRocketChatAuth();
        return app;
    }

    static readonly ObjectSchema CreateSchema = Schema.Object(
        ("email", Schema.String()), ("name", Schema.String()), ("password", Schema.String()), ("username", Schema.String()),
        ("active", Schema.Boolean()), ("roles", Schema.Array(Schema.String())), ("verified", Schema.Boolean()),
        ("requirePasswordChange", Schema.Boolean()), ("joinDefaultChannels", Schema.Boolean()),
        ("sendWelcomeEmail", Schema.Boolean()), ("setRandomPassword", Schema.Boolean()),
        ("customFields", Schema.Object().AllowingAdditional()), ("bio", Schema.String()), ("nickname", Schema.String()),
        ("statusText", Schema.String()), ("settings", Schema.Object().AllowingAdditional()))
        .Requires("email", "name", "password", "username");

    static async Task<Results<Ok<UserResponse>, ApiError>> Create(
        JsonBody body, CurrentUser caller, LivechatDb db, PermissionStore permissions, TimeProvider time, CancellationToken ct)
    {
        var request = (JsonObject)CreateSchema.Validate(body.Root)!;
        var username = (string)request["username"]!;
        var email = ((string)request["email"]!).Trim().ToLowerInvariant();
        var roles = request["roles"]?.AsArray().Select(r => (string)r!).Distinct().ToList() ?? ["user"];

        if (!UsernamePattern().IsMatch(username))
        {
            return ApiError.Coded("error-input-is-not-a-valid-field",
                $"{username} is not a valid username, use only letters, numbers, dots, hyphens and underscores");
        }
        if (!EmailAddress.Pattern().IsMatch(email))
        {
            return ApiError.Coded("error-invalid-email", $"Invalid email {email}");
        }
        if (!(roles is ["user"]) && !await permissions.HasAsync(caller, Permissions.AssignRoles, ct))
        {
            return ApiError.Coded("error-action-not-allowed", "Assign roles is not allowed");
        }
        var known = await db.Roles.Where(r => roles.Contains(r.Id)).CountAsync(ct);
        if (known != roles.Count)
        {
            return ApiError.Failure("Invalid role", "error-invalid-role");
        }
        if (await db.Users.AnyAsync(u => u.UsernameKey == username.ToLowerInvariant(), ct))
        {
            return ApiError.Coded("error-field-unavailable", $"{username} is already in use :(");
        }
        if (await db.Users.AnyAsync(u => u.Email == email, ct))
        {
            return ApiError.Coded("error-field-unavailable", $"{email} is already in use :(");
        }

        var now = time.UtcNow();
        var user = new User
        {
            Id = Ids.NewId(), Username = username, UsernameKey = username.ToLowerInvariant(), Name = (string)request["name"]!,
            Email = email, EmailVerified = request["verified"]?.GetValue<bool>() ?? false,
            Active = request["active"]?.GetValue<bool>() ?? true, Roles = roles, CreatedAt = now, UpdatedAt = now,
        };
        user.PasswordHash = Passwords.Hash(user, (string)request["password"]!);
        db.Users.Add(user);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // A concurrent create took the username or email between the check and the insert.
            return ApiError.Coded("error-field-unavailable", $"{username} is already in use :(");
        }
        return TypedResults.Ok(new UserResponse(UserView.From(user)));
    }

    static async Task<Results<Ok<UserResponse>, ApiError>> Info(HttpRequest http, CurrentUser caller, LivechatDb db, PermissionStore permissions,
        CancellationToken ct)
    {
        var query = Schema.FromQuery(http.Query);
        query.Remove("fields");
        var userId = query["userId"]?.ToString();
        var username = query["username"]?.ToString();
        if (userId is null && username is null)
        {
            return ApiError.InvalidParams("must have required property 'userId'");
        }
        if ((userId is not null && username is not null) || query.Count != 1)
        {
            return ApiError.InvalidParams("must NOT have additional properties");
        }
        var user = userId is not null
            ? await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId, ct)
            : await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.UsernameKey == username!.ToLowerInvariant(), ct);
        if (user is null) return ApiError.Failure("User not found.");
        // Rocket.Chat's getFullUserData: another user's e-mail addresses only with view-full-other-user-info.
        var full = user.Id == caller.Id || await permissions.HasAsync(caller, Permissions.ViewFullOtherUserInfo, ct);
        return TypedResults.Ok(new UserResponse(UserView.From(user, full)));
    }

    [GeneratedRegex("^[0-9a-zA-Z-_.]+$")]
    private static partial Regex UsernamePattern();
}
