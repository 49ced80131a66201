using System.Text.Json.Nodes;
using Livechat.Server.Data;
using Livechat.Server.Http;
using Livechat.Server.Security;
using Livechat.Server.Settings;
using Livechat.Server.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.CannedResponses;

public static class CannedResponseEndpoints
{
    // GET    canned-responses.get    view-canned-responses
    // GET    canned-responses        view-canned-responses
    // POST   canned-responses        save-canned-responses (the scope's own permission in the handler)
    // DELETE canned-responses        remove-canned-responses (likewise)
    // GET    canned-responses/:_id   view-canned-responses
    public static IEndpointRouteBuilder MapCannedResponses(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1").WithTags("Canned responses");
        group.MapGet("/canned-responses.get", All).RequirePermission(Permissions.ViewCannedResponses)
            .WithSummary("Every canned response the caller may use")
            .WithDescription("Global ones, the caller's own, and those of the caller's departments (all departments with view-all-canned-responses).");
        group.MapGet("/canned-responses", List).RequirePermission(Permissions.ViewCannedResponses)
            .WithSummary("Search the caller's canned responses")
            .WithDescription("Filters: shortcut (exact), text (in shortcut or text, case-insensitive), scope, departmentId, createdBy, tags[] " +
                "(any of); paged with offset, count and sort (default by shortcut).");
        group.MapPost("/canned-responses", Save).RequirePermission(Permissions.SaveCannedResponses)
            .WithSummary("Create or replace a canned response")
            .WithDescription("Body: shortcut (unique), text, scope (global, department, user), departmentId, tags, and _id to replace one. " +
                "Global needs save-all-canned-responses; department save-department-canned-responses or that.");
        group.MapDelete("/canned-responses", Remove).RequirePermission(Permissions.RemoveCannedResponses)
            .WithSummary("Delete a canned response").WithDescription("Body: {\"_id\"}; the same scope rule as saving.");
        group.MapGet("/canned-responses/{_id}", Get).RequirePermission(Permissions.ViewCannedResponses)
            .WithSummary("One canned response").WithDescription("404 when the caller may not see it.");
        return app;
    }

    static readonly ObjectSchema ListSchema = Schema.Object(
        ("scope", Schema.String().OrNull()), ("departmentId", Schema.String().OrNull()), ("shortcut", Schema.String().OrNull()),
        ("tags", Schema.Array(Schema.String()).OrNull()), ("createdBy", Schema.String().OrNull()), ("text", Schema.String().OrNull()),
        ("count", new NumberSchema { Nullable = true }), ("offset", new NumberSchema { Nullable = true }), ("sort", Schema.String().OrNull()));

    static readonly ObjectSchema RemoveSchema = Schema.Object(("_id", Schema.String())).Requires("_id");

    static readonly Dictionary<string, Func<CannedResponseView, IComparable?>> SortFields = new()
    {
        ["shortcut"] = c => c.Shortcut, ["text"] = c => c.Text, ["scope"] = c => c.Scope, ["departmentId"] = c => c.DepartmentId,
        ["userId"] = c => c.UserId, ["_id"] = c => c.Id, ["_createdAt"] = c => c.CreatedAt, ["_updatedAt"] = c => c.UpdatedAt,
    };

    static async Task<Ok<CannedResponsesGetResponse>> All(CurrentUser caller, LivechatDb db, PermissionStore permissions, CancellationToken ct)
    {
        var visible = await db.CannedResponses.AsNoTracking().VisibleToAsync(caller, db, permissions, ct);
        var all = await visible.OrderBy(c => c.CreatedAt).ThenBy(c => c.Id).ToListAsync(ct);
        return TypedResults.Ok(new CannedResponsesGetResponse([.. all.Select(CannedResponseView.From)]));
    }

    /// <summary>
    /// Filters within what the caller sees: Rocket.Chat lets a <c>departmentId</c> filter replace the visibility filter,
    /// so any agent could read any department's responses; here it only narrows (docs/compatibility.md).
    /// </summary>
    static async Task<Results<Ok<CannedResponsesResponse>, ApiError>> List(
        HttpRequest http, CurrentUser caller, LivechatDb db, SettingsStore settings, PermissionStore permissions, CancellationToken ct)
    {
        var query = (JsonObject)ListSchema.Validate(Schema.FromQuery(http.Query))!;
        var paging = await Paging.ReadAsync(http, settings, ct);
        var visible = await db.CannedResponses.AsNoTracking().VisibleToAsync(caller, db, permissions, ct);
        if ((string?)query["shortcut"] is { Length: > 0 } shortcut) visible = visible.Where(c => c.Shortcut == shortcut);
        if ((string?)query["scope"] is { Length: > 0 } scope) visible = visible.Where(c => c.Scope == scope);
        if ((string?)query["departmentId"] is { Length: > 0 } department) visible = visible.Where(c => c.DepartmentId == department);
        if ((string?)query["createdBy"] is { Length: > 0 } author) visible = visible.Where(c => c.CreatedById == author);
        var tags = query["tags"] is JsonArray given ? given.Select(t => (string)t!).ToHashSet() : [];
        var text = (string?)query["text"];

        var found = await visible.OrderBy(c => c.CreatedAt).ThenBy(c => c.Id).ToListAsync(ct);
        var matches = found
            .Where(c => (tags.Count == 0 || c.Tags.Any(tags.Contains)) && CatalogueListing.ContainsText(text, c.Shortcut, c.Text))
            .Select(CannedResponseView.From);
        var (page, total) = paging.Page(matches, SortFields, ("shortcut", 1));
        return TypedResults.Ok(new CannedResponsesResponse(page, page.Count, paging.Offset, total));
    }

    static async Task<Results<Ok<CannedResponseResponse>, ApiError>> Get(
        string _id, CurrentUser caller, LivechatDb db, PermissionStore permissions, CancellationToken ct)
    {
        var visible = await db.CannedResponses.AsNoTracking().VisibleToAsync(caller, db, permissions, ct);
        var response = await visible.FirstOrDefaultAsync(c => c.Id == _id, ct);
        return response is null ? ApiError.NotFound("Resource not found") : TypedResults.Ok(new CannedResponseResponse(CannedResponseView.From(response)));
    }

    static async Task<Results<Ok<SuccessResponse>, ApiError>> Save(JsonBody body, CurrentUser caller, LivechatDb db, Writes writes,
        PermissionStore permissions, TimeProvider time, CancellationToken ct)
    {
        var request = (JsonObject)CannedResponseCatalogue.SaveSchema.Validate(body.Root)!;
        var error = await CannedResponseCatalogue.SaveAsync(request, caller, db, writes, permissions, time, ct);
        return error is null ? TypedResults.Ok(SuccessResponse.Instance) : error;
    }

    static async Task<Results<Ok<SuccessResponse>, ApiError>> Remove(JsonBody body, CurrentUser caller, LivechatDb db, Writes writes,
        PermissionStore permissions, CancellationToken ct)
    {
        var request = (JsonObject)RemoveSchema.Validate(body.Root)!;
        var error = await CannedResponseCatalogue.RemoveAsync((string)request["_id"]!, caller, db, writes, permissions, ct);
        return error is null ? TypedResults.Ok(SuccessResponse.Instance) : error;
    }
}
