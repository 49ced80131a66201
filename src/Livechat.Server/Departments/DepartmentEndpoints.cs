using System.Text.Json.Nodes;
using Livechat.Server.Data;
using Livechat.Server.Http;
using Livechat.Server.Security;
using Livechat.Server.Settings;
using Livechat.Server.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Departments;

public static class DepartmentEndpoints
{
    // GET    livechat/department               any of view-livechat-departments, view-l-room
    // POST   livechat/department               manage-livechat-departments
    // GET    livechat/department/{_id}         any of view-livechat-departments, view-l-room
    // PUT    livechat/department/{_id}         any of manage-livechat-departments, add-livechat-department-agents
    // DELETE livechat/department/{_id}         any of manage-livechat-departments, remove-livechat-department
    // GET    livechat/department/{_id}/agents  any of view-livechat-departments, view-l-room
    // POST   livechat/department/{_id}/agents  any of manage-livechat-departments, add-livechat-department-agents
    public static IEndpointRouteBuilder MapDepartments(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/livechat/department").WithTags("Departments");
        string[] view = [Permissions.ViewLivechatDepartments, Permissions.ViewLRoom];
        string[] edit = [Permissions.ManageLivechatDepartments, Permissions.AddLivechatDepartmentAgents];
        group.MapGet("", List).RequireAnyPermission(view);
        group.MapPost("", Create).RequirePermission(Permissions.ManageLivechatDepartments);
        group.MapGet("/{_id}", Get).RequireAnyPermission(view);
        group.MapPut("/{_id}", Update).RequireAnyPermission(edit);
        group.MapDelete("/{_id}", Delete).RequireAnyPermission(Permissions.ManageLivechatDepartments, Permissions.RemoveLivechatDepartment);
        group.MapGet("/{_id}/agents", Agents).RequireAnyPermission(view);
        group.MapPost("/{_id}/agents", SaveAgents).RequireAnyPermission(edit);
        return app;
    }

    static readonly ObjectSchema AgentEntry = Schema.Object(
        ("agentId", Schema.String()), ("username", Schema.String()), ("count", Schema.Integer()), ("order", Schema.Integer()))
        .Requires("agentId").AllowingAdditional();

    static readonly ObjectSchema SaveSchema = Schema.Object(
        ("department", Schema.Object(
            ("enabled", Schema.Boolean()), ("name", Schema.String()), ("email", Schema.String()), ("showOnRegistration", Schema.Boolean()),
            ("showOnOfflineForm", Schema.Boolean()), ("description", Schema.String()), ("requestTagBeforeClosingChat", Schema.Boolean()),
            ("chatClosingTags", Schema.Array(Schema.String())), ("fallbackForwardDepartment", Schema.String()),
            ("departmentsAllowedToForward", Schema.Array(Schema.String())), ("maxNumberSimultaneousChat", Schema.Integer(int.MinValue, int.MaxValue)))
            .Requires("enabled", "name", "email", "showOnRegistration", "showOnOfflineForm").AllowingAdditional()),
        ("agents", Schema.Array(AgentEntry)))
        .Requires("department").AllowingAdditional();

    static ApiError NotFound() => ApiError.Coded("error-department-not-found", "Department not found");

    static async Task<Ok<DepartmentsResponse>> List(HttpRequest http, CurrentUser caller, LivechatDb db, SettingsStore settings, CancellationToken ct)
    {
        var q = http.Query;
        var paging = await Paging.ReadAsync(http, settings, ct);
        var query = db.Departments.AsNoTracking();
        if (q["text"].ToString() is { Length: > 0 } text)
        {
            var lower = text.ToLowerInvariant();
            query = query.Where(d => d.Name.ToLower().Contains(lower));
        }
        if (q["enabled"] == "true") query = query.Where(d => d.Enabled);
        if (q["enabled"] == "false") query = query.Where(d => !d.Enabled);
        if (q["onlyMyDepartments"] == "true")
        {
            query = query.Where(d => db.DepartmentAgents.Any(a => a.DepartmentId == d.Id && a.AgentId == caller.Id));
        }
        if (q["excludeDepartmentId"].ToString() is { Length: > 0 } excluded) query = query.Where(d => d.Id != excluded);
        if (q["showArchived"] != "true") query = query.Where(d => !d.Archived);
        var total = await query.CountAsync(ct);
        var ordered = paging.Sort is [(_, -1), ..] ? query.OrderByDescending(d => d.Name) : query.OrderBy(d => d.Name);
        var page = await paging.Apply(ordered.ThenBy(d => d.Id)).ToListAsync(ct);
        return TypedResults.Ok(new DepartmentsResponse(page.Select(DepartmentView.From).ToList(), page.Count, paging.Offset, total));
    }

    static async Task<Results<Ok<DepartmentResponse>, ApiError>> Create(JsonBody body, LivechatDb db, TimeProvider time, CancellationToken ct)
    {
        var request = (JsonObject)SaveSchema.Validate(body.Root)!;
        var now = time.UtcNow();
        var department = new Department { Id = Ids.NewObjectId(), Name = "", Email = "", UpdatedAt = now };
        Apply(department, (JsonObject)request["department"]!);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Departments.Add(department);
        await db.SaveChangesAsync(ct);
        await UpsertAgentsAsync(db, department, request["agents"] as JsonArray, [], ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(await ResponseAsync(db, department.Id, true, ct));
    }

    static async Task<Ok<DepartmentResponse>> Get([FromRoute(Name = "_id")] string id, HttpRequest http, LivechatDb db, CancellationToken ct) =>
        TypedResults.Ok(await ResponseAsync(db, id, http.Query["includeAgents"] != "false", ct));

    static async Task<Results<Ok<DepartmentResponse>, ApiError>> Update([FromRoute(Name = "_id")] string id, JsonBody body, CurrentUser caller,
        LivechatDb db, PermissionStore permissions, TimeProvider time, CancellationToken ct)
    {
        var request = (JsonObject)SaveSchema.Validate(body.Root)!;
        // As Rocket.Chat: the department's data needs manage-livechat-departments; the agents listed are applied only with
        // add-livechat-department-agents (agents alone change through POST livechat/department/:_id/agents).
        if (!await permissions.HasAsync(caller, Permissions.ManageLivechatDepartments, ct)) return ApiError.Failure("error-not-allowed");
        var agents = await permissions.HasAsync(caller, Permissions.AddLivechatDepartmentAgents, ct) ? request["agents"] as JsonArray : null;
        var department = await db.Departments.FirstOrDefaultAsync(d => d.Id == id, ct);
        if (department is null) return NotFound();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        Apply(department, (JsonObject)request["department"]!);
        department.UpdatedAt = time.UtcNow();
        await db.SaveChangesAsync(ct);
        // Rocket.Chat's PUT upserts the listed agents and keeps the others.
        await UpsertAgentsAsync(db, department, agents, [], ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(await ResponseAsync(db, id, true, ct));
    }

    static async Task<Results<Ok<SuccessResponse>, ApiError>> Delete([FromRoute(Name = "_id")] string id, LivechatDb db, SettingsStore settings,
        CancellationToken ct)
    {
        if (!await settings.GetBoolAsync("Omnichannel_enable_department_removal", ct)) return ApiError.Failure("error-department-removal-disabled");
        if (!await db.Departments.AnyAsync(d => d.Id == id, ct)) return ApiError.Coded("department-not-found", "Department not found");
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.DepartmentAgents.Where(a => a.DepartmentId == id).ExecuteDeleteAsync(ct);
        await db.Departments.Where(d => d.Id == id).ExecuteDeleteAsync(ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(SuccessResponse.Instance);
    }

    static async Task<Ok<DepartmentAgentsResponse>> Agents([FromRoute(Name = "_id")] string id, HttpRequest http, LivechatDb db,
        SettingsStore settings, CancellationToken ct)
    {
        var paging = await Paging.ReadAsync(http, settings, ct);
        var query = db.DepartmentAgents.AsNoTracking().Where(a => a.DepartmentId == id);
        var total = await query.CountAsync(ct);
        var page = await paging.Apply(query.OrderBy(a => a.Order).ThenBy(a => a.Username)).ToListAsync(ct);
        return TypedResults.Ok(new DepartmentAgentsResponse(page.Select(DepartmentAgentView.From).ToList(), page.Count, paging.Offset, total));
    }

    static readonly ObjectSchema AgentsSchema = Schema.Object(
        ("upsert", Schema.Array(AgentEntry)), ("remove", Schema.Array(Schema.Object(("agentId", Schema.String())).Requires("agentId").AllowingAdditional())))
        .Requires("upsert", "remove");

    static async Task<Results<Ok<SuccessResponse>, ApiError>> SaveAgents([FromRoute(Name = "_id")] string id, JsonBody body, LivechatDb db,
        CancellationToken ct)
    {
        var request = (JsonObject)AgentsSchema.Validate(body.Root)!;
        var department = await db.Departments.FirstOrDefaultAsync(d => d.Id == id, ct);
        if (department is null) return NotFound();
        var remove = request["remove"]!.AsArray().Select(r => (string)r!["agentId"]!).ToList();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await UpsertAgentsAsync(db, department, request["upsert"] as JsonArray, remove, ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(SuccessResponse.Instance);
    }

    static void Apply(Department d, JsonObject input)
    {
        d.Enabled = (bool)input["enabled"]!;
        d.Name = (string)input["name"]!;
        d.Email = (string)input["email"]!;
        d.ShowOnRegistration = (bool)input["showOnRegistration"]!;
        d.ShowOnOfflineForm = (bool)input["showOnOfflineForm"]!;
        d.Description = (string?)input["description"];
        d.RequestTagBeforeClosingChat = (bool?)input["requestTagBeforeClosingChat"];
        d.ChatClosingTags = input["chatClosingTags"]?.AsArray().Select(t => (string)t!).ToList();
        d.FallbackForwardDepartment = (string?)input["fallbackForwardDepartment"];
        d.DepartmentsAllowedToForward = input["departmentsAllowedToForward"]?.AsArray().Select(t => (string)t!).ToList();
        d.MaxNumberSimultaneousChat = Math.Max(0, (int?)(long?)input["maxNumberSimultaneousChat"] ?? 0);
    }

    /// <summary>Adds or updates the listed agents (known users only), removes the others named, and recounts numAgents.</summary>
    static async Task UpsertAgentsAsync(LivechatDb db, Department department, JsonArray? upsert, List<string> remove, CancellationToken ct)
    {
        if (remove.Count > 0)
        {
            await db.DepartmentAgents.Where(a => a.DepartmentId == department.Id && remove.Contains(a.AgentId)).ExecuteDeleteAsync(ct);
        }
        var entries = (upsert ?? []).OfType<JsonObject>().Select(e => (Id: (string)e["agentId"]!, Count: (int?)(long?)e["count"], Order: (int?)(long?)e["order"])).ToList();
        var ids = entries.Select(e => e.Id).ToList();
        var users = await db.Users.Where(u => ids.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Username, ct);
        var existing = await db.DepartmentAgents.Where(a => a.DepartmentId == department.Id && ids.Contains(a.AgentId)).ToDictionaryAsync(a => a.AgentId, ct);
        foreach (var (agentId, count, order) in entries.Where(e => users.ContainsKey(e.Id)).DistinctBy(e => e.Id))
        {
            if (!existing.TryGetValue(agentId, out var entry))
            {
                entry = new DepartmentAgent { Id = Ids.NewObjectId(), AgentId = agentId, DepartmentId = department.Id, Username = users[agentId] };
                db.DepartmentAgents.Add(entry);
            }
            entry.Count = count ?? entry.Count;
            entry.Order = order ?? entry.Order;
            entry.DepartmentEnabled = department.Enabled;
        }
        await db.DepartmentAgents.Where(a => a.DepartmentId == department.Id).ExecuteUpdateAsync(s => s.SetProperty(a => a.DepartmentEnabled, department.Enabled), ct);
        await db.SaveChangesAsync(ct);
        department.NumAgents = await db.DepartmentAgents.CountAsync(a => a.DepartmentId == department.Id, ct);
        await db.SaveChangesAsync(ct);
    }

    static async Task<DepartmentResponse> ResponseAsync(LivechatDb db, string id, bool includeAgents, CancellationToken ct)
    {
        var department = await db.Departments.AsNoTracking().FirstOrDefaultAsync(d => d.Id == id, ct);
        var agents = includeAgents
            ? (await db.DepartmentAgents.AsNoTracking().Where(a => a.DepartmentId == id).OrderBy(a => a.Order).ThenBy(a => a.Username).ToListAsync(ct))
                .Select(DepartmentAgentView.From).ToList()
            : null;
        return new DepartmentResponse(department is null ? null : DepartmentView.From(department), agents);
    }
}
