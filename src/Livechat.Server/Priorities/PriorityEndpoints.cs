using System.Text.Json.Nodes;
using Livechat.Server.Data;
using Livechat.Server.Http;
using Livechat.Server.Security;
using Livechat.Server.Settings;
using Livechat.Server.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Priorities;

public static class PriorityEndpoints
{
    // GET  livechat/priorities                any of manage-livechat-priorities, view-l-room
    // GET  livechat/priorities/:priorityId    any of manage-livechat-priorities, view-l-room
    // PUT  livechat/priorities/:priorityId    manage-livechat-priorities
    // GET  livechat/priorities.reset          manage-livechat-priorities
    // POST livechat/priorities.reset          manage-livechat-priorities
    public static IEndpointRouteBuilder MapPriorities(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/livechat").WithTags("Priorities");
        group.MapGet("/priorities", List).RequireAnyPermission(Permissions.ManageLivechatPriorities, Permissions.ViewLRoom);
        group.MapGet("/priorities/{priorityId}", Get).RequireAnyPermission(Permissions.ManageLivechatPriorities, Permissions.ViewLRoom);
        group.MapPut("/priorities/{priorityId}", Update).RequirePermission(Permissions.ManageLivechatPriorities);
        group.MapGet("/priorities.reset", IsResetAvailable).RequirePermission(Permissions.ManageLivechatPriorities);
        group.MapPost("/priorities.reset", ResetAll).RequirePermission(Permissions.ManageLivechatPriorities);
        return app;
    }

    static readonly Dictionary<string, Func<PriorityView, IComparable?>> SortFields = new()
    {
        ["name"] = p => p.Name, ["i18n"] = p => p.I18n, ["sortItem"] = p => p.SortItem, ["dirty"] = p => p.Dirty,
        ["_id"] = p => p.Id, ["_updatedAt"] = p => p.UpdatedAt,
    };

    static async Task<Results<Ok<PrioritiesResponse>, ApiError>> List(
        HttpRequest http, LivechatDb db, SettingsStore settings, CancellationToken ct)
    {
        var paging = await Paging.ReadAsync(http, settings, ct);
        var text = http.Query["text"].ToString();
        var all = await db.Priorities.AsNoTracking().OrderBy(p => p.SortItem).ToListAsync(ct);
        var matches = all.Where(p => CatalogueListing.ContainsText(text, p.Name, p.I18n)).Select(PriorityView.From);
        var (page, total) = paging.Page(matches, SortFields, ("name", 1));
        return TypedResults.Ok(new PrioritiesResponse(page, page.Count, paging.Offset, total));
    }

    static async Task<Results<Ok<Merged<PriorityView>>, ApiError>> Get(string priorityId, LivechatDb db, CancellationToken ct)
    {
        var priority = await db.Priorities.AsNoTracking().FirstOrDefaultAsync(p => p.Id == priorityId, ct);
        return priority is null
            ? ApiError.NotFound($"Priority with id {priorityId} not found")
            : TypedResults.Ok(Merged.Of(PriorityView.From(priority)));
    }

    // Rocket.Chat's schema is a oneOf of {name} and {reset}; both branches forbid other keys.
    static readonly ObjectSchema RenameSchema = Schema.Object(("name", Schema.String())).Requires("name");
    static readonly ObjectSchema ResetSchema = Schema.Object(("reset", Schema.Boolean())).Requires("reset");

    static async Task<Results<Ok<SuccessResponse>, ApiError>> Update(
        string priorityId, JsonBody body, LivechatDb db, TimeProvider time, CancellationToken ct)
    {
        var isReset = body.Object is { } o && o.ContainsKey("reset") && !o.ContainsKey("name");
        var request = (JsonObject)(isReset ? ResetSchema : RenameSchema).Validate(body.Root)!;
        var name = isReset ? null : ((string)request["name"]!).Trim();
        if (isReset && !(bool)request["reset"]!)
        {
            // {"reset":false} asks for nothing Rocket.Chat could do: it needs a name then.
            return ApiError.InvalidParams("must have required property 'name'");
        }
        if (name is { Length: > 0 })
        {
            var key = name.ToLowerInvariant();
            if (await db.Priorities.AnyAsync(p => p.Id != priorityId && p.NameKey == key, ct))
            {
                return ApiError.Failure("error-duplicate-priority-name");
            }
        }
        var priority = await db.Priorities.FirstOrDefaultAsync(p => p.Id == priorityId, ct);
        if (priority is null)
        {
            return ApiError.Failure("error-unable-to-update-priority");
        }
        priority.Name = name;
        priority.NameKey = name?.ToLowerInvariant();
        priority.Dirty = name is not null;
        priority.UpdatedAt = time.UtcNow();
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(SuccessResponse.Instance);
    }

    static async Task<Ok<PrioritiesResetResponse>> IsResetAvailable(LivechatDb db, CancellationToken ct) =>
        TypedResults.Ok(new PrioritiesResetResponse(await db.Priorities.AnyAsync(p => p.Dirty, ct)));

    static async Task<Results<Ok<SuccessResponse>, ApiError>> ResetAll(LivechatDb db, TimeProvider time, CancellationToken ct)
    {
        if (!await db.Priorities.AnyAsync(p => p.Dirty, ct))
        {
            return ApiError.BareFailure();
        }
        var now = time.UtcNow();
        await db.Priorities.ExecuteUpdateAsync(s => s
            .SetProperty(p => p.Name, (string?)null).SetProperty(p => p.NameKey, (string?)null)
            .SetProperty(p => p.Dirty, false).SetProperty(p => p.UpdatedAt, now), ct);
        return TypedResults.Ok(SuccessResponse.Instance);
    }
}
