using System.Text.Json.Nodes;
using Livechat.Server.Data;
using Livechat.Server.Http;
using Livechat.Server.Security;
using Livechat.Server.Settings;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Triggers;

public static class TriggerEndpoints
{
    // GET    livechat/triggers        view-livechat-manager
    // POST   livechat/triggers        view-livechat-manager and view-livechat-triggers
    // GET    livechat/triggers/:_id   view-livechat-manager
    // DELETE livechat/triggers/:_id   view-livechat-manager and view-livechat-triggers
    public static IEndpointRouteBuilder MapTriggers(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/livechat").WithTags("Triggers");
        group.MapGet("/triggers", List).RequirePermission(Permissions.ViewLivechatManager)
            .WithSummary("List the livechat triggers")
            .WithDescription("Paged with offset, count and sort (default by name); every trigger, enabled or not.");
        group.MapPost("/triggers", Save).RequirePermission(Permissions.ViewLivechatManager, Permissions.ViewLivechatTriggers)
            .WithSummary("Create or replace a trigger")
            .WithDescription("Body: name, description, enabled, runOnce, conditions (page-url, time-on-site, chat-opened-by-visitor, " +
                "after-guest-registration) and actions (send-message with sender queue or custom); with _id it replaces that trigger.");
        group.MapGet("/triggers/{_id}", Get).RequirePermission(Permissions.ViewLivechatManager)
            .WithSummary("One trigger").WithDescription("\"trigger\": null for an unknown id, as in Rocket.Chat.");
        group.MapDelete("/triggers/{_id}", Delete).RequirePermission(Permissions.ViewLivechatManager, Permissions.ViewLivechatTriggers)
            .WithSummary("Delete a trigger").WithDescription("An unknown id answers success, as in Rocket.Chat.");
        return app;
    }

    static readonly Dictionary<string, Func<TriggerView, IComparable?>> SortFields = new()
    {
        ["name"] = t => t.Name, ["description"] = t => t.Description, ["enabled"] = t => t.Enabled, ["runOnce"] = t => t.RunOnce,
        ["_id"] = t => t.Id, ["_updatedAt"] = t => t.UpdatedAt,
    };

    static async Task<Results<Ok<TriggersResponse>, ApiError>> List(HttpRequest http, LivechatDb db, SettingsStore settings, CancellationToken ct)
    {
        var paging = await Paging.ReadAsync(http, settings, ct);
        var all = await db.Triggers.AsNoTracking().OrderBy(t => t.CreatedAt).ThenBy(t => t.Id).ToListAsync(ct);
        var (page, total) = paging.Page(all.Select(TriggerView.From), SortFields, ("name", 1));
        return TypedResults.Ok(new TriggersResponse(page, page.Count, paging.Offset, total));
    }

    static async Task<Ok<TriggerResponse>> Get(string _id, LivechatDb db, CancellationToken ct)
    {
        var trigger = await db.Triggers.AsNoTracking().FirstOrDefaultAsync(t => t.Id == _id, ct);
        return TypedResults.Ok(new TriggerResponse(trigger is null ? null : TriggerView.From(trigger)));
    }

    static async Task<Results<Ok<SuccessResponse>, ApiError>> Save(JsonBody body, LivechatDb db, Writes writes, TimeProvider time, CancellationToken ct)
    {
        var request = (JsonObject)TriggerCatalogue.SaveSchema.Validate(body.Root)!;
        var saved = await TriggerCatalogue.SaveAsync(request, db, writes, time, ct);
        return saved.Error is { } error ? error.Rest : TypedResults.Ok(SuccessResponse.Instance);
    }

    static async Task<Ok<SuccessResponse>> Delete(string _id, LivechatDb db, Writes writes, CancellationToken ct)
    {
        await TriggerCatalogue.RemoveAsync(_id, db, writes, ct);
        return TypedResults.Ok(SuccessResponse.Instance);
    }
}
