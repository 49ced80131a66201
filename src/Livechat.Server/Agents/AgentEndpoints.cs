using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Livechat.Server.BusinessHours;
using Livechat.Server.Data;
using Livechat.Server.Http;
using Livechat.Server.Security;
using Livechat.Server.Settings;
using Livechat.Server.Users;
using Livechat.Server.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Agents;

/// <summary>An agent or manager as <c>livechat/users/:type</c> returns it.</summary>
public sealed record AgentView(
    [property: JsonPropertyName("_id")] string Id, string Username, string? Name, string Status, string? StatusLivechat,
    IReadOnlyList<UserEmail> Emails, LivechatInfo? Livechat)
{
    public static AgentView From(User u) => new(u.Id, u.Username, u.Name, u.Status, u.StatusLivechat, MeView.EmailsOf(u),
        u.MaxNumberSimultaneousChat is { } max ? new LivechatInfo(max) : null);
}

public sealed record AgentRef([property: JsonPropertyName("_id")] string Id, string Username);
public sealed record AgentsResponse(IReadOnlyList<AgentView> Users, int Count, int Offset, int Total) : ApiResponse;
public sealed record AgentRefResponse(AgentRef User) : ApiResponse;
public sealed record AgentResponse([property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] AgentView? User) : ApiResponse;
public sealed record AgentStatusResponse(string Status) : ApiResponse;

public static class AgentEndpoints
{
    // GET    livechat/users/{type}        auth (+ handler check)
    // POST   livechat/users/{type}        view-livechat-manager (+ manage-livechat-managers for managers)
    // GET    livechat/users/{type}/{_id}  view-livechat-manager
    // DELETE livechat/users/{type}/{_id}  view-livechat-manager (+ manage-livechat-managers for managers)
    // POST   livechat/agent.status        view-l-room
    // POST   livechat/agents.saveInfo     manage-livechat-agents
    public static IEndpointRouteBuilder MapAgents(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/livechat").WithTags("Agents and managers");
        group.MapGet("/users/{type}", List).RequireRocketChatAuth();
        group.MapPost("/users/{type}", Add).RequirePermission(Permissions.ViewLivechatManager);
        group.MapGet("/users/{type}/{_id}", Get).RequirePermission(Permissions.ViewLivechatManager);
        group.MapDelete("/users/{type}/{_id}", Remove).RequirePermission(Permissions.ViewLivechatManager);
        group.MapPost("/agent.status", SetStatus).RequirePermission(Permissions.ViewLRoom);
        group.MapPost("/agents.saveInfo", SaveInfo).RequirePermission(Permissions.ManageLivechatAgents)
            .WithSummary("Saves an agent's livechat data: maxNumberSimultaneousChat, the agent's own chat limit");
        return app;
    }

    static string? RoleOf(string type) => type switch { "agent" => AgentRoles.Agent, "manager" => AgentRoles.Manager, _ => null };

    static ApiError InvalidType() => ApiError.Failure("Invalid type");

    /// <summary>
    /// Granting or revoking the manager role needs <c>manage-livechat-managers</c> (Rocket.Chat asks only for
    /// <c>view-livechat-manager</c>, which monitors hold, so a monitor could promote itself).
    /// </summary>
    static async Task<bool> MayChangeAsync(string role, CurrentUser caller, PermissionStore permissions, CancellationToken ct) =>
        role != AgentRoles.Manager || await permissions.HasAsync(caller, Permissions.ManageLivechatManagers, ct);

    static async Task<Results<Ok<AgentsResponse>, ApiError>> List(string type, HttpRequest http, CurrentUser caller,
        LivechatDb db, PermissionStore permissions, SettingsStore settings, CancellationToken ct)
    {
        if (RoleOf(type) is not { } role) return InvalidType();
        var allowed = role == AgentRoles.Agent
            ? await permissions.HasAsync(caller, Permissions.TransferLivechatGuest, ct) || await permissions.HasAsync(caller, Permissions.EditOmnichannelContact, ct)
            : await permissions.HasAsync(caller, Permissions.ViewLivechatManager, ct);
        if (!allowed) return ApiError.Forbidden();

        var paging = await Paging.ReadAsync(http, settings, ct);
        var query = db.Users.AsNoTracking().Where(u => u.Roles.Contains(role));
        if (http.Query["text"].ToString() is { Length: > 0 } text)
        {
            var lower = text.ToLowerInvariant();
            query = query.Where(u => u.UsernameKey.Contains(lower) || (u.Name != null && u.Name.ToLower().Contains(lower)));
        }
        if (role == AgentRoles.Agent && http.Query["onlyAvailable"] == "true")
        {
            query = query.Where(u => u.StatusLivechat == "available");
        }
        if (http.Query["excludeId"].ToString() is { Length: > 0 } excluded)
        {
            query = query.Where(u => u.Id != excluded);
        }
        var total = await query.CountAsync(ct);
        var descending = paging.Sort is [(_, -1), ..];
        var ordered = paging.Sort is [("username", _), ..]
            ? (descending ? query.OrderByDescending(u => u.Username) : query.OrderBy(u => u.Username))
            : (descending ? query.OrderByDescending(u => u.Name) : query.OrderBy(u => u.Name));
        var users = await paging.Apply(ordered.ThenBy(u => u.Id)).ToListAsync(ct);
        return TypedResults.Ok(new AgentsResponse(users.Select(AgentView.From).ToList(), users.Count, paging.Offset, total));
    }

    static readonly ObjectSchema AddSchema = Schema.Object(("username", Schema.String())).Requires("username");

    static async Task<Results<Ok<AgentRefResponse>, ApiError>> Add(
        string type, JsonBody body, CurrentUser caller, LivechatDb db, PermissionStore permissions, AuthCache authCache, TimeProvider time,
        CancellationToken ct)
    {
        if (RoleOf(type) is not { } role) return InvalidType();
        if (!await MayChangeAsync(role, caller, permissions, ct)) return ApiError.PermissionDenied();
        var request = (JsonObject)AddSchema.Validate(body.Root)!;
        var username = ((string)request["username"]!).ToLowerInvariant();
        var user = await db.Users.FirstOrDefaultAsync(u => u.UsernameKey == username, ct);
        if (user is null) return ApiError.Failure("error-invalid-user");
        if (!user.Roles.Contains(role)) user.Roles = [.. user.Roles, role];
        if (role == AgentRoles.Agent) user.StatusLivechat = "available";
        user.UpdatedAt = time.UtcNow();
        AuthCache.Announce(db, user.Id);
        await db.SaveChangesAsync(ct);
        authCache.Invalidate(user.Id);
        return TypedResults.Ok(new AgentRefResponse(new AgentRef(user.Id, user.Username)));
    }

    static async Task<Results<Ok<AgentResponse>, ApiError>> Get(string type, [FromRoute(Name = "_id")] string id, LivechatDb db, CancellationToken ct)
    {
        if (RoleOf(type) is not { } role) return InvalidType();
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id && u.Roles.Contains(role), ct);
        return TypedResults.Ok(new AgentResponse(user is null ? null : AgentView.From(user)));
    }

    static async Task<Results<Ok<SuccessResponse>, ApiError>> Remove(
        string type, [FromRoute(Name = "_id")] string id, CurrentUser caller, LivechatDb db, PermissionStore permissions, AuthCache authCache,
        TimeProvider time, CancellationToken ct)
    {
        if (RoleOf(type) is not { } role) return InvalidType();
        if (!await MayChangeAsync(role, caller, permissions, ct)) return ApiError.PermissionDenied();
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == id, ct);
        if (user is null) return ApiError.Failure("error-invalid-user");
        if (!user.Roles.Contains(role)) return TypedResults.Ok(SuccessResponse.Instance);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        user.Roles = user.Roles.Where(r => r != role).ToList();
        user.UpdatedAt = time.UtcNow();
        if (role == AgentRoles.Agent)
        {
            user.StatusLivechat = "not-available";
            var departments = await db.DepartmentAgents.Where(a => a.AgentId == id).Select(a => a.DepartmentId).ToListAsync(ct);
            await db.DepartmentAgents.Where(a => a.AgentId == id).ExecuteDeleteAsync(ct);
            await db.Departments.Where(d => departments.Contains(d.Id)).ExecuteUpdateAsync(s => s
                .SetProperty(d => d.NumAgents, d => db.DepartmentAgents.Count(a => a.DepartmentId == d.Id)), ct);
        }
        AuthCache.Announce(db, user.Id);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        authCache.Invalidate(user.Id);
        return TypedResults.Ok(SuccessResponse.Instance);
    }

    static readonly ObjectSchema StatusSchema = Schema.Object(
        ("status", Schema.String("available", "not-available")), ("agentId", Schema.String()));

    static async Task<Results<Ok<AgentStatusResponse>, ApiError>> SetStatus(JsonBody body, CurrentUser caller, LivechatDb db,
        PermissionStore permissions, SettingsStore settings, TimeProvider time, CancellationToken ct)
    {
        var request = (JsonObject)StatusSchema.Validate(body.Root)!;
        var agentId = (string?)request["agentId"] ?? caller.Id;
        var agent = await db.Users.FirstOrDefaultAsync(u => u.Id == agentId && u.Roles.Contains(AgentRoles.Agent), ct);
        if (agent is null) return ApiError.NotFound("Agent not found");
        if (!agent.Active) return ApiError.Failure("error-user-deactivated");
        var current = agent.StatusLivechat ?? "not-available";
        var status = (string?)request["status"] ?? (current == "available" ? "not-available" : "available");
        if (status == current) return TypedResults.Ok(new AgentStatusResponse(current));
        if (agentId != caller.Id && !await permissions.HasAsync(caller, Permissions.ManageLivechatAgents, ct))
        {
            return ApiError.Forbidden();
        }
        // Rocket.Chat refuses "available" outside the agent's business hours; a status the agent chose is theirs, not the hours'.
        if (status == "available" && !await BusinessHourState.AgentWithinHoursAsync(db, settings, agent.Id, time.UtcNow(), ct))
        {
            return ApiError.Failure("error-business-hours-are-closed");
        }
        agent.StatusLivechat = status;
        agent.LivechatStatusSystemModified = false;
        agent.UpdatedAt = time.UtcNow();
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(new AgentStatusResponse(status));
    }

    static readonly ObjectSchema SaveInfoSchema = Schema.Object(
        ("agentId", Schema.String()),
        ("agentData", Schema.Object(("maxNumberSimultaneousChat", Schema.Integer(0, int.MaxValue))).AllowingAdditional()),
        ("agentDepartments", Schema.Array(Schema.String())))
        .Requires("agentId", "agentData").AllowingAdditional();

    /// <summary>Rocket.Chat's <c>livechat/agents.saveInfo</c>: the agent's <c>livechat.maxNumberSimultaneousChat</c> (0 removes it).</summary>
    static async Task<Results<Ok<SuccessResponse>, ApiError>> SaveInfo(JsonBody body, LivechatDb db, TimeProvider time, CancellationToken ct)
    {
        var request = (JsonObject)SaveInfoSchema.Validate(body.Root)!;
        var agentId = (string)request["agentId"]!;
        var agent = await db.Users.FirstOrDefaultAsync(u => u.Id == agentId && u.Roles.Contains(AgentRoles.Agent), ct);
        if (agent is null) return ApiError.Failure("error-user-is-not-agent");
        if (request["agentData"]!["maxNumberSimultaneousChat"] is JsonValue max)
        {
            agent.MaxNumberSimultaneousChat = (int)(long)max;
            agent.UpdatedAt = time.UtcNow();
            await db.SaveChangesAsync(ct);
        }
        return TypedResults.Ok(SuccessResponse.Instance);
    }
}
