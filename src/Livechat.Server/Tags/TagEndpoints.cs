using System.Text.Json.Nodes;
using Livechat.Server.Data;
using Livechat.Server.Http;
using Livechat.Server.Security;
using Livechat.Server.Settings;
using Livechat.Server.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Tags;

public static class TagEndpoints
{
    // GET  livechat/tags          any of view-l-room, manage-livechat-tags
    // GET  livechat/tags/:tagId   any of view-l-room, manage-livechat-tags
    // POST livechat/tags.save     manage-livechat-tags
    // POST livechat/tags.delete   manage-livechat-tags
    public static IEndpointRouteBuilder MapTags(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/livechat").WithTags("Tags");
        group.MapGet("/tags", List).RequireAnyPermission(Permissions.ViewLRoom, Permissions.ManageLivechatTags);
        group.MapGet("/tags/{tagId}", Get).RequireAnyPermission(Permissions.ViewLRoom, Permissions.ManageLivechatTags);
        group.MapPost("/tags.save", Save).RequirePermission(Permissions.ManageLivechatTags);
        group.MapPost("/tags.delete", Delete).RequirePermission(Permissions.ManageLivechatTags);
        return app;
    }

    static readonly ObjectSchema ListSchema = Schema.Object(
        ("text", Schema.String()), ("viewAll", Schema.String("true", "false")), ("department", Schema.String()))
        .Requires("text").AllowingAdditional();

    static readonly ObjectSchema DeleteSchema = Schema.Object(("id", Schema.String())).Requires("id");

    static readonly Dictionary<string, Func<TagView, IComparable?>> SortFields = new()
    {
        ["name"] = t => t.Name, ["description"] = t => t.Description, ["numDepartments"] = t => t.NumDepartments,
        ["_id"] = t => t.Id, ["_updatedAt"] = t => t.UpdatedAt,
    };

    static async Task<Results<Ok<TagsResponse>, ApiError>> List(
        HttpRequest http, CurrentUser caller, LivechatDb db, SettingsStore settings, PermissionStore permissions, CancellationToken ct)
    {
        var query = (JsonObject)ListSchema.Validate(Schema.FromQuery(http.Query))!;
        var paging = await Paging.ReadAsync(http, settings, ct);
        var text = (string)query["text"]!;
        var viewAll = (string?)query["viewAll"] == "true" && await permissions.HasAsync(caller, Permissions.ManageLivechatTags, ct);
        var visible = viewAll ? null : await VisibleDepartmentsAsync(caller, (string?)query["department"], db, ct);

        var all = await db.Tags.AsNoTracking().OrderBy(t => t.Id).ToListAsync(ct);
        var matches = all
            .Where(t => IsVisible(t, visible) && CatalogueListing.ContainsText(text, t.Name, t.Description))
            .Select(TagView.From);
        var (page, total) = paging.Page(matches, SortFields, ("name", 1));
        return TypedResults.Ok(new TagsResponse(page, page.Count, paging.Offset, total));
    }

    static async Task<Results<Ok<Merged<TagView>>, ApiError>> Get(
        string tagId, CurrentUser caller, LivechatDb db, PermissionStore permissions, CancellationToken ct)
    {
        var tag = await db.Tags.AsNoTracking().FirstOrDefaultAsync(t => t.Id == tagId, ct);
        // Tag managers see every tag here, as Rocket.Chat's findTagById; others only the tags their departments see.
        var visible = tag is null || await permissions.HasAsync(caller, Permissions.ManageLivechatTags, ct)
            ? null : await VisibleDepartmentsAsync(caller, null, db, ct);
        return tag is null || !IsVisible(tag, visible)
            ? ApiError.NotFound("Tag not found")
            : TypedResults.Ok(Merged.Of(TagView.From(tag)));
    }

    static async Task<Results<Ok<Merged<TagView>>, ApiError>> Save(JsonBody body, LivechatDb db, TimeProvider time, CancellationToken ct)
    {
        var request = (JsonObject)TagCatalogue.SaveSchema.Validate(body.Root)!;
        var saved = await TagCatalogue.SaveAsync(request, db, time, ct);
        return saved.Error is { } error ? error.Rest : TypedResults.Ok(Merged.Of(TagView.Saved(saved.Value!)));
    }

    static async Task<Results<Ok<SuccessResponse>, ApiError>> Delete(JsonBody body, LivechatDb db, CancellationToken ct)
    {
        var request = (JsonObject)DeleteSchema.Validate(body.Root)!;
        var removed = await TagCatalogue.RemoveAsync((string)request["id"]!, db, ct);
        return removed.Error is { } error ? error.Rest : TypedResults.Ok(SuccessResponse.Instance);
    }

    /// <summary>
    /// The departments whose tags the caller sees: the ones the caller is an agent of, narrowed to
    /// <paramref name="department"/> when given. Tags without departments are visible to everyone.
    /// </summary>
    static async Task<HashSet<string>> VisibleDepartmentsAsync(CurrentUser caller, string? department, LivechatDb db, CancellationToken ct)
    {
        var mine = await db.DepartmentAgents.AsNoTracking().Where(a => a.AgentId == caller.Id).Select(a => a.DepartmentId).ToListAsync(ct);
        return [.. string.IsNullOrEmpty(department) ? mine : mine.Where(d => d == department)];
    }

    static bool IsVisible(Tag tag, HashSet<string>? departments) =>
        departments is null || tag.Departments.Count == 0 || tag.Departments.Any(departments.Contains);
}
