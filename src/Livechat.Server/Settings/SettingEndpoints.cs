using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Livechat.Server.Data;
using Livechat.Server.Http;
using Livechat.Server.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Livechat.Server.Settings;

public sealed record SettingResponse([property: JsonPropertyName("_id")] string Id,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] JsonNode? Value) : ApiResponse;

public static class SettingEndpoints
{
    // GET  settings/{_id}   view-privileged-setting
    // POST settings/{_id}   edit-privileged-setting
    public static IEndpointRouteBuilder MapSettings(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/settings").WithTags("Settings");
        group.MapGet("/{_id}", Get).RequirePermission(Permissions.ViewPrivilegedSetting);
        group.MapPost("/{_id}", Set).RequirePermission(Permissions.EditPrivilegedSetting);
        return app;
    }

    static async Task<Results<Ok<SettingResponse>, ApiError>> Get([FromRoute(Name = "_id")] string id, SettingsStore settings, CancellationToken ct)
    {
        if (!SettingDefinitions.ById.TryGetValue(id, out var definition)) return ApiError.BareFailure();
        var value = (await settings.GetAsync(id, ct))?.DeepClone();
        // A secret is write-only: an admin sees whether one is set, never the value (docs/compatibility.md).
        if (definition.Secret && value?.GetValue<string>() is { Length: > 0 }) value = SecretMask;
        return TypedResults.Ok(new SettingResponse(id, value));
    }

    /// <summary>What a set secret reads as; writing it back keeps the stored value.</summary>
    public const string SecretMask = "********";

    static async Task<Results<Ok<SuccessResponse>, ApiError>> Set(
        [FromRoute(Name = "_id")] string id, JsonBody body, LivechatDb db, SettingsStore settings, CancellationToken ct)
    {
        if (!SettingDefinitions.ById.TryGetValue(id, out var definition)
            || body.Object is not { } request || !request.TryGetPropertyValue("value", out var value)
            || !definition.Accepts(value))
        {
            return ApiError.BareFailure();
        }
        if (definition.Secret && value?.GetValue<string>() == SecretMask) return TypedResults.Ok(SuccessResponse.Instance);
        await settings.SetAsync(db, id, value, ct);
        return TypedResults.Ok(SuccessResponse.Instance);
    }
}
