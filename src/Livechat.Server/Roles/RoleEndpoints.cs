using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Livechat.Server.Data;
using Livechat.Server.Http;
using Livechat.Server.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Roles;

public sealed record RoleView(
    [property: JsonPropertyName("_id")] string Id, string Name, string Scope, string Description,
    bool Protected, bool Mandatory2fa, [property: JsonPropertyName("_updatedAt")] DateTime UpdatedAt);

public sealed record PermissionView(
    [property: JsonPropertyName("_id")] string Id, IReadOnlyList<string> Roles, [property: JsonPropertyName("_updatedAt")] DateTime UpdatedAt);

public sealed record RolesResponse(IReadOnlyList<RoleView> Roles) : ApiResponse;
public sealed record PermissionsListResponse(IReadOnlyList<PermissionView> Update, IReadOnlyList<PermissionView> Remove) : ApiResponse;
public sealed record PermissionsResponse(IReadOnlyList<PermissionView> Permissions) : ApiResponse;

public static class RoleEndpoints
{
    // GET  roles.list            auth
    // GET  permissions.listAll   auth
    // POST permissions.update    access-permissions
    public static IEndpointRouteBuilder MapRoles(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1").WithTags("Roles and permissions");
        group.MapGet("/roles.list", ListRoles).RequireRocketChatAuth();
        group.MapGet("/permissions.listAll", ListPermissions).RequireRocketChatAuth();
        group.MapPost("/permissions.update", UpdatePermissions).RequirePermission(Permissions.AccessPermissions);
        return app;
    }

    static async Task<Ok<RolesResponse>> ListRoles(LivechatDb db, CancellationToken ct)
    {
        var roles = await db.Roles.AsNoTracking()
            .Select(r => new RoleView(r.Id, r.Name, r.Scope, r.Description, r.Protected, r.Mandatory2fa, r.UpdatedAt))
            .ToListAsync(ct);
        return TypedResults.Ok(new RolesResponse(roles));
    }

    static async Task<Results<Ok<PermissionsListResponse>, ApiError>> ListPermissions(string? updatedSince, LivechatDb db, CancellationToken ct)
    {
        var query = db.Permissions.AsNoTracking();
        if (updatedSince is not null)
        {
            if (JsonSetup.ParseDate(updatedSince) is not { } since)
            {
                // The odd error code is Rocket.Chat's.
                return ApiError.Coded("error-roomId-param-invalid", "The \"updatedSince\" query parameter must be a valid date.");
            }
            query = query.Where(p => p.UpdatedAt > since);
        }
        var permissions = await query.OrderBy(p => p.Id).Select(p => new PermissionView(p.Id, p.Roles, p.UpdatedAt)).ToListAsync(ct);
        return TypedResults.Ok(new PermissionsListResponse(permissions, []));
    }

    static async Task<Results<Ok<PermissionsResponse>, ApiError>> UpdatePermissions(
        JsonBody body, LivechatDb db, PermissionStore store, TimeProvider time, CancellationToken ct)
    {
        if (ParseUpdates(body.Object) is not { } updates)
        {
            return ApiError.Failure("Invalid body params", "error-invalid-body-params");
        }
        var ids = updates.Select(u => u.Id).ToList();
        var permissions = await db.Permissions.Where(p => ids.Contains(p.Id)).ToDictionaryAsync(p => p.Id, ct);
        var roles = await db.Roles.Select(r => r.Id).ToListAsync(ct);
        // Every entry is validated before anything changes.
        if (updates.Any(u => !permissions.ContainsKey(u.Id)))
        {
            return ApiError.Failure("Invalid permission", "error-invalid-permission");
        }
        if (updates.Any(u => u.Roles.Any(r => !roles.Contains(r))))
        {
            return ApiError.Failure("Invalid role", "error-invalid-role");
        }
        var now = time.UtcNow();
        foreach (var (id, newRoles) in updates)
        {
            permissions[id].Roles = newRoles.Distinct().ToList();
            permissions[id].UpdatedAt = now;
        }
        await db.SaveChangesAsync(ct);
        store.Invalidate();

        var all = await db.Permissions.AsNoTracking().OrderBy(p => p.Id).Select(p => new PermissionView(p.Id, p.Roles, p.UpdatedAt)).ToListAsync(ct);
        return TypedResults.Ok(new PermissionsResponse(all));
    }

    static List<(string Id, List<string> Roles)>? ParseUpdates(JsonObject? body)
    {
        if (body?["permissions"] is not JsonArray entries) return null;
        var result = new List<(string, List<string>)>();
        foreach (var entry in entries)
        {
            if (entry is not JsonObject o || o["_id"] is not JsonValue id || id.GetValueKind() != JsonValueKind.String
                || o["roles"] is not JsonArray roles || roles.Any(r => r is not JsonValue v || v.GetValueKind() != JsonValueKind.String))
            {
                return null;
            }
            result.Add((id.GetValue<string>(), roles.Select(r => r!.GetValue<string>()).ToList()));
        }
        return result;
    }
}
