using System.Text.Json;
using System.Text.Json.Nodes;
using Livechat.Server.BusinessHours;
using Livechat.Server.CustomFields;
using Livechat.Server.Data;
using Livechat.Server.Events;
using Livechat.Server.Http;
using Livechat.Server.Security;
using Livechat.Server.Tags;
using Livechat.Server.Triggers;
using Livechat.Server.Validation;

namespace Livechat.Server.Methods;

/// <summary>What a Meteor method answers: a result, or a Meteor.Error (<paramref name="Code"/> is a string or a number).</summary>
public sealed record MethodOutcome(JsonNode? Result, JsonNode? Code = null, string? Reason = null)
{
    /// <summary>A method that returns <c>undefined</c>: the result message has no <c>result</c> field.</summary>
    public bool NoResult { get; init; }

    public static readonly MethodOutcome Undefined = new((JsonNode?)null) { NoResult = true };

    public static MethodOutcome Fail(JsonNode code, string? reason) => new(null, code, reason);

    public static MethodOutcome From(CatalogueError error) => Fail(error.Code, error.Reason);

    // Meteor's check() failure.
    public static readonly MethodOutcome MatchFailed = Fail(400, "Match failed");

    /// <summary>A Meteor.Error as it travels in method results and DDP <c>nosub</c> messages.</summary>
    public static JsonObject MeteorError(JsonNode code, string? reason)
    {
        var text = code is JsonValue v && v.TryGetValue<string>(out var s) ? s : code.ToJsonString();
        var error = new JsonObject { ["isClientSafe"] = true, ["error"] = code.DeepClone() };
        if (reason is not null) error["reason"] = reason;
        error["message"] = reason is null ? $"[{text}]" : $"{reason} [{text}]";
        error["errorType"] = "Meteor.Error";
        return error;
    }
}

/// <summary>The Meteor methods this server offers, shared by REST <c>method.call</c> and DDP <c>method</c>.</summary>
public static class MeteorMethods
{
    internal sealed record Context(CurrentUser Caller, LivechatDb Db, PermissionStore Permissions, TimeProvider Time, CancellationToken Ct)
    {
        public required Writes Writes { get; init; }
    }

    static readonly Dictionary<string, (string Permission, Func<JsonArray, Context, Task<MethodOutcome>> Run)> Methods = new()
    {
        ["livechat:saveCustomField"] = (Permissions.ViewLivechatManager, SaveCustomField),
        ["livechat:removeCustomField"] = (Permissions.ViewLivechatManager, RemoveCustomField),
        ["livechat:saveTag"] = (Permissions.ManageLivechatTags, SaveTag),
        ["livechat:removeTag"] = (Permissions.ManageLivechatTags, RemoveTag),
        ["livechat:saveBusinessHour"] = ("view-livechat-business-hours", SaveBusinessHour),
        ["livechat:removeBusinessHour"] = ("view-livechat-business-hours", RemoveBusinessHour),
        ["livechat:saveTrigger"] = (Permissions.ViewLivechatManager, SaveTrigger),
        ["livechat:removeTrigger"] = (Permissions.ViewLivechatManager, RemoveTrigger),
    };

    /// <summary>Runs a catalogue method for a logged-in caller, checking its permission first; DDP uses the same dispatch.</summary>
    public static Task<MethodOutcome> InvokeAsync(string method, JsonArray parameters, CurrentUser? caller, IServiceProvider services,
        CancellationToken ct) =>
        InvokeAsync(method, parameters, caller is null ? null : new Context(caller, services.GetRequiredService<LivechatDb>(),
            services.GetRequiredService<PermissionStore>(), services.GetRequiredService<TimeProvider>(), ct)
        {
            Writes = services.GetRequiredService<Writes>(),
        });

    internal static async Task<MethodOutcome> InvokeAsync(string method, JsonArray parameters, Context? context)
    {
        if (context is null || !Methods.TryGetValue(method, out var entry))
        {
            // Without a user (method.callAnon, or DDP before login) every method here is unknown, as in Rocket.Chat.
            return MethodOutcome.Fail(404, $"Method '{method}' not found");
        }
        if (!await context.Permissions.HasAsync(context.Caller, entry.Permission, context.Ct))
        {
            return MethodOutcome.Fail("error-not-allowed", "Not allowed");
        }
        // What a method changes records the source "method", whether method.call or DDP carried it.
        using var actor = ChangeScope.Begin(ChangeActor.User(context.Caller.Id, context.Caller.Username, ChangeActor.Method));
        return await entry.Run(parameters, context);
    }

    /// <summary>The DDP <c>result</c> message of a method call: <c>result</c>, or <c>error</c> as a Meteor.Error.</summary>
    public static JsonObject Result(JsonNode? id, MethodOutcome outcome)
    {
        var result = new JsonObject { ["msg"] = "result" };
        if (id is not null) result["id"] = id.DeepClone();
        if (outcome.Code is null)
        {
            // Meteor leaves "result" out when a method returns undefined.
            if (!outcome.NoResult) result["result"] = outcome.Result;
            return result;
        }
        result["error"] = MethodOutcome.MeteorError(outcome.Code, outcome.Reason);
        return result;
    }

    /// <summary>The method's positional parameters as the named object the REST schema checks, or null on a check failure.</summary>
    static JsonObject? Named(ObjectSchema schema, JsonArray parameters, params string[] names)
    {
        var named = new JsonObject();
        for (var i = 0; i < names.Length && i < parameters.Count; i++)
        {
            named[names[i]] = parameters[i]?.DeepClone();
        }
        var coerced = schema.Check(named, out var error);
        return error is null ? coerced as JsonObject : null;
    }

    static async Task<MethodOutcome> SaveCustomField(JsonArray parameters, Context c)
    {
        if (Named(CustomFieldCatalogue.SaveSchema, parameters, "customFieldId", "customFieldData") is not { } request)
        {
            return MethodOutcome.MatchFailed;
        }
        var saved = await CustomFieldCatalogue.SaveAsync(request, c.Db, c.Time, c.Ct);
        return saved.Error is { } error ? MethodOutcome.From(error) : new(Ejson.ToNode(CustomFieldView.From(saved.Value!)));
    }

    static async Task<MethodOutcome> RemoveCustomField(JsonArray parameters, Context c)
    {
        if (parameters is not [JsonValue id, ..] || id.GetValueKind() != JsonValueKind.String) return MethodOutcome.MatchFailed;
        var removed = await CustomFieldCatalogue.RemoveAsync((string)id!, c.Db, c.Ct);
        return removed.Error is { } error ? MethodOutcome.From(error) : new(true);
    }

    static async Task<MethodOutcome> SaveTag(JsonArray parameters, Context c)
    {
        if (Named(TagCatalogue.SaveSchema, parameters, "_id", "tagData", "tagDepartments") is not { } request)
        {
            return MethodOutcome.MatchFailed;
        }
        var saved = await TagCatalogue.SaveAsync(request, c.Db, c.Time, c.Ct);
        return saved.Error is { } error ? MethodOutcome.From(error) : new(Ejson.ToNode(TagView.Saved(saved.Value!)));
    }

    static async Task<MethodOutcome> RemoveTag(JsonArray parameters, Context c)
    {
        if (parameters is not [JsonValue id, ..] || id.GetValueKind() != JsonValueKind.String) return MethodOutcome.MatchFailed;
        var removed = await TagCatalogue.RemoveAsync((string)id!, c.Db, c.Ct);
        return removed.Error is { } error ? MethodOutcome.From(error) : new(true);
    }

    /// <summary>Rocket.Chat's client saves business hours with this method; it returns <c>undefined</c>.</summary>
    static async Task<MethodOutcome> SaveBusinessHour(JsonArray parameters, Context c)
    {
        if (parameters is not [JsonObject data, ..] || BusinessHourCatalogue.SaveSchema.Check(data.DeepClone(), out var error) is not JsonObject request
            || error is not null)
        {
            return MethodOutcome.MatchFailed;
        }
        var saved = await BusinessHourCatalogue.SaveAsync(request, c.Db, c.Time, c.Ct);
        return saved.Error is { } failed ? MethodOutcome.Fail(failed.Code, failed.Reason) : MethodOutcome.Undefined;
    }

    static async Task<MethodOutcome> RemoveBusinessHour(JsonArray parameters, Context c)
    {
        if (parameters is not [JsonValue id, JsonValue type, ..] || id.GetValueKind() != JsonValueKind.String || type.GetValueKind() != JsonValueKind.String)
        {
            return MethodOutcome.MatchFailed;
        }
        var removed = await BusinessHourCatalogue.RemoveAsync((string)id!, (string)type!, c.Db, c.Time, c.Ct);
        return removed.Error is { } failed ? MethodOutcome.Fail(failed.Code, failed.Reason) : MethodOutcome.Undefined;
    }

    /// <summary>
    /// <c>livechat:saveTrigger(trigger)</c>, which Rocket.Chat's admin screen calls: the trigger is checked as the REST body is
    /// (Rocket.Chat's method only checks that conditions and actions are arrays). Writing also needs
    /// <c>view-livechat-triggers</c>, as the REST route does.
    /// </summary>
    static async Task<MethodOutcome> SaveTrigger(JsonArray parameters, Context c)
    {
        if (!await c.Permissions.HasAsync(c.Caller, Permissions.ViewLivechatTriggers, c.Ct)) return MethodOutcome.Fail("error-not-allowed", "Not allowed");
        if (parameters is not [JsonObject trigger, ..] || TriggerCatalogue.SaveSchema.Check(trigger.DeepClone(), out var error) is not JsonObject request
            || error is not null)
        {
            return MethodOutcome.MatchFailed;
        }
        var saved = await TriggerCatalogue.SaveAsync(request, c.Db, c.Writes, c.Time, c.Ct);
        return saved.Error is { } failed ? MethodOutcome.From(failed) : new(true);
    }

    static async Task<MethodOutcome> RemoveTrigger(JsonArray parameters, Context c)
    {
        if (!await c.Permissions.HasAsync(c.Caller, Permissions.ViewLivechatTriggers, c.Ct)) return MethodOutcome.Fail("error-not-allowed", "Not allowed");
        if (parameters is not [JsonValue id, ..] || id.GetValueKind() != JsonValueKind.String) return MethodOutcome.MatchFailed;
        await TriggerCatalogue.RemoveAsync((string)id!, c.Db, c.Writes, c.Ct);
        return new(true);
    }
}
