using System.Text.Json.Nodes;
using Livechat.Server.Data;
using Livechat.Server.Http;
using Livechat.Server.Security;
using Livechat.Server.Settings;
using Livechat.Server.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.CustomFields;

public static class CustomFieldEndpoints
{
    // GET  livechat/custom-fields          view-l-room
    // GET  livechat/custom-fields/:_id     view-l-room
    // POST livechat/custom-fields.save     view-livechat-manager
    // POST livechat/custom-fields.delete   view-livechat-manager
    // POST livechat/custom.field           visitor token
    // POST livechat/custom.fields          visitor token
    public static IEndpointRouteBuilder MapCustomFields(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/livechat").WithTags("Custom fields");
        group.MapGet("/custom-fields", List).RequirePermission(Permissions.ViewLRoom);
        group.MapGet("/custom-fields/{id}", Get).RequirePermission(Permissions.ViewLRoom);
        group.MapPost("/custom-fields.save", Save).RequirePermission(Permissions.ViewLivechatManager);
        group.MapPost("/custom-fields.delete", Delete).RequirePermission(Permissions.ViewLivechatManager);
        group.MapPost("/custom.field", SetVisitorField);
        group.MapPost("/custom.fields", SetVisitorFields);
        return app;
    }

    static readonly ObjectSchema DeleteSchema = Schema.Object(("customFieldId", Schema.String())).Requires("customFieldId");

    static readonly ObjectSchema EntrySchema = Schema.Object(
        ("key", Schema.String()), ("value", Schema.String()), ("overwrite", Schema.Boolean()))
        .Requires("key", "value", "overwrite");

    static readonly ObjectSchema FieldSchema = Schema.Object(
        ("token", Schema.String()), ("key", Schema.String()), ("value", Schema.String()), ("overwrite", Schema.Boolean()))
        .Requires("token", "key", "value", "overwrite");

    static readonly ObjectSchema FieldsSchema = Schema.Object(("token", Schema.String()), ("customFields", Schema.Array(EntrySchema)))
        .Requires("token", "customFields");

    static readonly Dictionary<string, Func<CustomFieldView, IComparable?>> SortFields = new()
    {
        ["label"] = f => f.Label, ["_id"] = f => f.Id, ["scope"] = f => f.Scope, ["visibility"] = f => f.Visibility,
        ["type"] = f => f.Type, ["_updatedAt"] = f => f.UpdatedAt,
    };

    static async Task<Results<Ok<CustomFieldsResponse>, ApiError>> List(
        HttpRequest http, LivechatDb db, SettingsStore settings, CancellationToken ct)
    {
        var paging = await Paging.ReadAsync(http, settings, ct);
        var text = http.Query["text"].ToString();
        var all = await db.CustomFields.AsNoTracking().OrderBy(f => f.Id).ToListAsync(ct);
        var matches = all.Where(f => CatalogueListing.ContainsText(text, f.Label, f.Id)).Select(CustomFieldView.From);
        var (page, total) = paging.Page(matches, SortFields, ("label", 1));
        return TypedResults.Ok(new CustomFieldsResponse(page, page.Count, paging.Offset, total));
    }

    static async Task<Ok<CustomFieldResponse>> Get(string id, LivechatDb db, CancellationToken ct)
    {
        var field = await db.CustomFields.AsNoTracking().FirstOrDefaultAsync(f => f.Id == id, ct);
        return TypedResults.Ok(new CustomFieldResponse(field is null ? null : CustomFieldView.From(field)));
    }

    static async Task<Results<Ok<CustomFieldResponse>, ApiError>> Save(JsonBody body, LivechatDb db, TimeProvider time, CancellationToken ct)
    {
        var request = (JsonObject)CustomFieldCatalogue.SaveSchema.Validate(body.Root)!;
        var saved = await CustomFieldCatalogue.SaveAsync(request, db, time, ct);
        return saved.Error is { } error ? error.Rest : TypedResults.Ok(new CustomFieldResponse(CustomFieldView.From(saved.Value!)));
    }

    static async Task<Results<Ok<SuccessResponse>, ApiError>> Delete(JsonBody body, LivechatDb db, CancellationToken ct)
    {
        var request = (JsonObject)DeleteSchema.Validate(body.Root)!;
        var removed = await CustomFieldCatalogue.RemoveAsync((string)request["customFieldId"]!, db, ct);
        return removed.Error is { } error ? error.Rest : TypedResults.Ok(SuccessResponse.Instance);
    }

    static async Task<Results<Ok<VisitorFieldResponse>, ApiError>> SetVisitorField(
        JsonBody body, LivechatDb db, TimeProvider time, CancellationToken ct)
    {
        var request = (JsonObject)FieldSchema.Validate(body.Root)!;
        var entry = ReadEntry(request);
        var error = await VisitorCustomFields.SetAsync(db, time, (string)request["token"]!, [entry], ct);
        return error ?? (Results<Ok<VisitorFieldResponse>, ApiError>)TypedResults.Ok(
            new VisitorFieldResponse(new VisitorFieldView(entry.Key, entry.Value, entry.Overwrite)));
    }

    static async Task<Results<Ok<VisitorFieldsResponse>, ApiError>> SetVisitorFields(
        JsonBody body, LivechatDb db, TimeProvider time, CancellationToken ct)
    {
        var request = (JsonObject)FieldsSchema.Validate(body.Root)!;
        var entries = request["customFields"]!.AsArray().Select(e => ReadEntry(e!.AsObject())).ToList();
        if (entries.Count == 0)
        {
            return ApiError.InvalidParams("must NOT have fewer than 1 items");
        }
        var error = await VisitorCustomFields.SetAsync(db, time, (string)request["token"]!, entries, ct);
        return error ?? (Results<Ok<VisitorFieldsResponse>, ApiError>)TypedResults.Ok(
            new VisitorFieldsResponse(entries.Select(e => new VisitorFieldsEntry(e.Key, e.Value, e.Overwrite)).ToList()));
    }

    static VisitorFieldEntry ReadEntry(JsonObject o) => new((string)o["key"]!, (string)o["value"]!, (bool)o["overwrite"]!);
}
