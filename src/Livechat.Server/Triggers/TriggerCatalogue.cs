using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Livechat.Server.Data;
using Livechat.Server.Http;
using Livechat.Server.Validation;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Triggers;

/// <summary>Saving, removing and serving triggers, shared by <c>livechat/triggers</c> and <c>livechat:saveTrigger|removeTrigger</c>.</summary>
public static class TriggerCatalogue
{
    public static readonly string[] ConditionNames = ["time-on-site", "page-url", "chat-opened-by-visitor", "after-guest-registration"];

    /// <summary>
    /// Rocket.Chat's body schema (ajv, first error), with <c>send-message</c> the only action: <c>use-external-service</c>
    /// needs a server-side call this server does not make, and Rocket.Chat's first error for it is the same enum message.
    /// <c>params</c> is required (Rocket.Chat allows null, which makes the widget throw).
    /// </summary>
    public static readonly ObjectSchema SaveSchema = Schema.Object(
        ("name", Schema.String()),
        ("description", Schema.String()),
        ("enabled", Schema.Boolean()),
        ("runOnce", Schema.Boolean()),
        ("conditions", Schema.Array(Schema.Object(("name", Schema.String(ConditionNames)), ("value", Schema.String().OrNull()))
            .Requires("name", "value")).AtLeast(1)),
        ("actions", Schema.Array(Schema.Object(("name", Schema.String("send-message")),
            ("params", Schema.Object(("sender", Schema.String("queue", "custom")), ("msg", Schema.String()), ("name", Schema.String().OrNull()))
                .Requires("sender", "msg"))).Requires("name", "params")).AtLeast(1)),
        ("_id", Schema.String().OrNull()))
        .Requires("name", "description", "enabled", "runOnce", "conditions", "actions");

    static CatalogueError NotFound() =>
        new("error-trigger-not-found", "Trigger not found", ApiError.Coded("error-trigger-not-found", "Trigger not found"));

    static CatalogueError InvalidCondition(string reason) =>
        new("error-invalid-trigger-condition", reason, ApiError.Coded("error-invalid-trigger-condition", reason));

    /// <summary>
    /// What the widget would choke on: it builds a JavaScript RegExp from a <c>page-url</c> value and waits
    /// <c>parseInt(value)</c> seconds for <c>time-on-site</c>.
    /// </summary>
    static CatalogueError? CheckConditions(JsonArray conditions)
    {
        foreach (var condition in conditions.Select(c => c!.AsObject()))
        {
            var value = (string?)condition["value"];
            switch ((string)condition["name"]!)
            {
                case "time-on-site" when !int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out _):
                    return InvalidCondition("The time-on-site value must be a whole number of seconds");
                case "page-url" when string.IsNullOrEmpty(value) || !IsPattern(value):
                    return InvalidCondition("The page-url value must be a regular expression");
            }
        }
        return null;
    }

    static bool IsPattern(string value)
    {
        try
        {
            _ = new Regex(value, RegexOptions.ECMAScript, TimeSpan.FromMilliseconds(50));
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Creates (no <c>_id</c>) or replaces a trigger from a body that <see cref="SaveSchema"/> has coerced.</summary>
    public static async Task<Outcome<Trigger>> SaveAsync(JsonObject request, LivechatDb db, Writes writes, TimeProvider time, CancellationToken ct)
    {
        var conditions = request["conditions"]!.AsArray();
        if (CheckConditions(conditions) is { } invalid) return invalid;
        var id = (string?)request["_id"] is { Length: > 0 } given ? given : null;
        var trigger = id is null ? null : await db.Triggers.FirstOrDefaultAsync(t => t.Id == id, ct);
        // Rocket.Chat's update of an unknown id writes nothing and answers success; that would lose the admin's edit.
        if (id is not null && trigger is null) return NotFound();

        var now = time.UtcNow();
        if (trigger is null)
        {
            trigger = new Trigger
            {
                Id = Ids.NewObjectId(), Name = "", Description = "", Enabled = false, RunOnce = false, Conditions = "[]", Actions = "[]",
                CreatedAt = now, UpdatedAt = now,
            };
            db.Triggers.Add(trigger);
        }
        trigger.Name = (string)request["name"]!;
        trigger.Description = (string)request["description"]!;
        trigger.Enabled = (bool)request["enabled"]!;
        trigger.RunOnce = (bool)request["runOnce"]!;
        trigger.Conditions = conditions.ToJsonString();
        trigger.Actions = request["actions"]!.ToJsonString();
        trigger.UpdatedAt = now;
        await writes.SaveAsync(db, ct);
        return trigger;
    }

    /// <summary>Deletes a trigger; an unknown id is not an error, as in Rocket.Chat.</summary>
    public static async Task RemoveAsync(string id, LivechatDb db, Writes writes, CancellationToken ct)
    {
        var trigger = await db.Triggers.FirstOrDefaultAsync(t => t.Id == id, ct);
        if (trigger is null) return;
        db.Triggers.Remove(trigger);
        await writes.SaveAsync(db, ct);
    }

    /// <summary>The enabled triggers for <c>livechat/config</c>, in the order they were created.</summary>
    public static async Task<List<WidgetTrigger>> ForWidgetAsync(LivechatDb db, CancellationToken ct)
    {
        var enabled = await db.Triggers.AsNoTracking().Where(t => t.Enabled).OrderBy(t => t.CreatedAt).ThenBy(t => t.Id).ToListAsync(ct);
        return [.. enabled.Select(WidgetTrigger.From)];
    }
}
