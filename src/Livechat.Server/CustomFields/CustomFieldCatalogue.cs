using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Livechat.Server.Data;
using Livechat.Server.Http;
using Livechat.Server.Validation;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.CustomFields;

/// <summary>
/// Saving and removing custom field definitions, shared by <c>livechat/custom-fields.save|delete</c> and the
/// <c>livechat:saveCustomField|removeCustomField</c> methods (same rules, two error renderings).
/// </summary>
public static partial class CustomFieldCatalogue
{
    public static readonly ObjectSchema SaveSchema = Schema.Object(
        ("customFieldId", Schema.String().OrNull()),
        ("customFieldData", Schema.Object(
            ("field", Schema.String()), ("label", Schema.String()), ("scope", Schema.String("visitor", "room")),
            ("visibility", Schema.String()), ("type", Schema.String()), ("regexp", Schema.String()), ("required", Schema.Boolean()),
            ("defaultValue", Schema.String()), ("options", Schema.String()), ("public", Schema.Boolean()), ("searchable", Schema.Boolean()))
            .Requires("field", "label", "scope", "visibility")))
        .Requires("customFieldData");

    const string InvalidName = "Invalid custom field name. Use only letters, numbers, hyphens and underscores.";

    const string NestedQuantifier = "Invalid regexp: a repeated group may not itself contain a repetition, as in (a+)+ (it can take exponential time)";

    /// <summary>Creates (no id) or replaces a definition from a body that <see cref="SaveSchema"/> has coerced.</summary>
    public static async Task<Outcome<CustomField>> SaveAsync(JsonObject request, LivechatDb db, TimeProvider time, CancellationToken ct)
    {
        var id = (string?)request["customFieldId"];
        var data = request["customFieldData"]!.AsObject();
        var field = (string)data["field"]!;
        if (!NamePattern().IsMatch(field) || (id is not null && !NamePattern().IsMatch(id)))
        {
            return new CatalogueError("error-invalid-custom-field-name", InvalidName, ApiError.Failure(InvalidName));
        }
        var existing = await db.CustomFields.FirstOrDefaultAsync(f => f.Id == (id ?? field), ct);
        if (id is not null && existing is null)
        {
            return new CatalogueError("error-invalid-custom-field", "Custom Field Not found", ApiError.Failure("Custom Field Not found"));
        }
        if (id is null && existing is not null)
        {
            return new CatalogueError("error-custom-field-name-already-exists", "Custom field name already exists",
                ApiError.Failure("Custom Field already exists"));
        }
        var regexp = (string?)data["regexp"];
        if (!CustomFieldRules.IsValidPattern(regexp))
        {
            return new CatalogueError("error-invalid-regexp", "Invalid regexp", ApiError.Failure("Invalid regexp"));
        }
        if (CustomFieldRules.HasNestedQuantifier(regexp))
        {
            return new CatalogueError("error-invalid-regexp", NestedQuantifier, ApiError.Failure(NestedQuantifier));
        }

        var now = time.UtcNow();
        var saved = existing ?? new CustomField { Id = field, Label = "", Scope = "", Visibility = "", UpdatedAt = now };
        // An update replaces every property but the id.
        saved.Label = (string)data["label"]!;
        saved.Scope = (string)data["scope"]!;
        saved.Visibility = (string)data["visibility"]!;
        saved.Type = (string?)data["type"];
        saved.Regexp = regexp;
        saved.Required = (bool?)data["required"];
        saved.DefaultValue = (string?)data["defaultValue"];
        saved.Options = (string?)data["options"];
        saved.Public = (bool?)data["public"];
        saved.Searchable = (bool?)data["searchable"];
        saved.UpdatedAt = now;
        if (existing is null) db.CustomFields.Add(saved);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // A concurrent create of the same name.
            return new CatalogueError("error-custom-field-name-already-exists", "Custom field name already exists",
                ApiError.Failure("Custom Field already exists"));
        }
        return saved;
    }

    /// <summary>Deletes a definition; values already stored in rooms and visitors stay.</summary>
    public static async Task<Outcome<bool>> RemoveAsync(string id, LivechatDb db, CancellationToken ct)
    {
        if (await db.CustomFields.Where(f => f.Id == id).ExecuteDeleteAsync(ct) == 0)
        {
            return new CatalogueError("error-invalid-custom-field", "Custom field not found", ApiError.Failure("Custom field not found"));
        }
        return true;
    }

    [GeneratedRegex("^[0-9a-zA-Z-_]+$")]
    private static partial Regex NamePattern();
}
