using System.Text.Json.Nodes;
using Livechat.Server.Data;
using Livechat.Server.Http;
using Livechat.Server.Security;
using Livechat.Server.Validation;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.CannedResponses;

/// <summary>Who sees and who may change which canned response, and the save and remove of <c>canned-responses</c>.</summary>
public static class CannedResponseCatalogue
{
    /// <summary>Rocket.Chat's body schema, with <c>scope</c> limited to its three values (it stores any string).</summary>
    public static readonly ObjectSchema SaveSchema = Schema.Object(
        ("_id", Schema.String().OrNull()),
        ("shortcut", Schema.String()),
        ("text", Schema.String()),
        ("scope", Schema.String("global", "department", "user")),
        ("departmentId", Schema.String().OrNull()),
        ("tags", Schema.Array(Schema.String()).OrNull()))
        .Requires("shortcut", "text", "scope");

    /// <summary>
    /// The caller's view, as Rocket.Chat's <c>findAllCannedResponses</c>: global ones, the caller's own, and department ones
    /// of the caller's departments (every department with <c>view-all-canned-responses</c>). Another user's personal
    /// responses are nobody else's.
    /// </summary>
    public static async Task<IQueryable<CannedResponse>> VisibleToAsync(
        this IQueryable<CannedResponse> responses, CurrentUser caller, LivechatDb db, PermissionStore permissions, CancellationToken ct)
    {
        if (await permissions.HasAsync(caller, Permissions.ViewAllCannedResponses, ct))
        {
            return responses.Where(c => c.Scope != "user" || c.UserId == caller.Id);
        }
        var departments = await DepartmentsOfAsync(caller, db, ct);
        return responses.Where(c => c.Scope == "global" || (c.Scope == "user" && c.UserId == caller.Id)
            || (c.Scope == "department" && c.DepartmentId != null && departments.Contains(c.DepartmentId)));
    }

    public static Task<List<string>> DepartmentsOfAsync(CurrentUser caller, LivechatDb db, CancellationToken ct) =>
        db.DepartmentAgents.AsNoTracking().Where(a => a.AgentId == caller.Id).Select(a => a.DepartmentId).ToListAsync(ct);

    static ApiError NotAllowed(string? scope) => ApiError.Coded("error-not-allowed",
        scope is null ? "Not allowed" : $"Not allowed to modify canned responses on *{scope}* scope");

    static ApiError NotFound() => ApiError.Coded("error-canned-response-not-found", "Canned Response not found");

    static ApiError InvalidDepartment() => ApiError.Coded("error-invalid-department", "Invalid department");

    /// <summary>
    /// Rocket.Chat's rule for the scope written (global needs <c>save-all-canned-responses</c>, department also
    /// <c>save-department-canned-responses</c>), applied here to the response's current scope too, and a personal
    /// response is only its owner's to change.
    /// </summary>
    static async Task<ApiError?> MayChangeAsync(CurrentUser caller, string scope, string? owner, PermissionStore permissions, CancellationToken ct)
    {
        var all = await permissions.HasAsync(caller, Permissions.SaveAllCannedResponses, ct);
        return scope switch
        {
            "global" when !all => NotAllowed("global"),
            "department" when !all && !await permissions.HasAsync(caller, Permissions.SaveDepartmentCannedResponses, ct) => NotAllowed("department"),
            "user" when owner is not null && owner != caller.Id => NotAllowed(null),
            _ => null,
        };
    }

    /// <summary>Creates (no <c>_id</c>) or replaces a canned response from a body that <see cref="SaveSchema"/> has coerced.</summary>
    public static async Task<ApiError?> SaveAsync(JsonObject request, CurrentUser caller, LivechatDb db, Writes writes, PermissionStore permissions,
        TimeProvider time, CancellationToken ct)
    {
        var id = (string?)request["_id"] is { Length: > 0 } given ? given : null;
        var shortcut = (string)request["shortcut"]!;
        var scope = (string)request["scope"]!;
        // A personal response keeps no department, as in Rocket.Chat.
        var departmentId = scope == "user" ? null : (string?)request["departmentId"] is { Length: > 0 } d ? d : null;
        var tags = request["tags"] is JsonArray tagList ? tagList.Select(t => (string)t!).ToList() : [];

        if (await MayChangeAsync(caller, scope, null, permissions, ct) is { } refused) return refused;
        if (await db.CannedResponses.AnyAsync(c => c.Shortcut == shortcut && c.Id != id, ct))
        {
            return ApiError.Coded("error-invalid-shortcut", "Shortcut provided already exists");
        }
        if (scope == "department" && departmentId is null) return InvalidDepartment();
        if (departmentId is not null && !await db.Departments.AnyAsync(x => x.Id == departmentId, ct)) return InvalidDepartment();

        var response = id is null ? null : await db.CannedResponses.FirstOrDefaultAsync(c => c.Id == id, ct);
        if (id is not null && response is null) return NotFound();
        if (response is not null && await MayChangeAsync(caller, response.Scope, response.UserId ?? "", permissions, ct) is { } notYours)
        {
            // Someone else's personal response stays unseen: it answers as an unknown id.
            return response.Scope == "user" ? NotFound() : notYours;
        }
        var now = time.UtcNow();
        if (response is null)
        {
            response = new CannedResponse
            {
                Id = Ids.NewObjectId(), Shortcut = shortcut, Text = "", Scope = scope, CreatedById = caller.Id, CreatedByUsername = caller.Username,
                CreatedAt = now, UpdatedAt = now,
            };
            db.CannedResponses.Add(response);
        }
        // A response that becomes personal belongs to its owner, or else to the caller who makes it so.
        response.UserId = scope == "user" ? response.Scope == "user" && response.UserId is not null ? response.UserId : caller.Id : null;
        response.Shortcut = shortcut;
        response.Text = (string)request["text"]!;
        response.Scope = scope;
        response.DepartmentId = departmentId;
        response.Tags = tags;
        response.UpdatedAt = now;
        try
        {
            await writes.SaveAsync(db, ct);
        }
        catch (DbUpdateException)
        {
            // The unique shortcut index caught a concurrent save of the same shortcut.
            return ApiError.Coded("error-invalid-shortcut", "Shortcut provided already exists");
        }
        return null;
    }

    /// <summary>Removes a response the caller may change (<see cref="MayChangeAsync"/>).</summary>
    public static async Task<ApiError?> RemoveAsync(string id, CurrentUser caller, LivechatDb db, Writes writes, PermissionStore permissions,
        CancellationToken ct)
    {
        var response = await db.CannedResponses.FirstOrDefaultAsync(c => c.Id == id, ct);
        if (response is null) return NotFound();
        if (await MayChangeAsync(caller, response.Scope, response.UserId ?? "", permissions, ct) is { } refused)
        {
            return response.Scope == "user" ? NotFound() : refused;
        }
        db.CannedResponses.Remove(response);
        await writes.SaveAsync(db, ct);
        return null;
    }
}
