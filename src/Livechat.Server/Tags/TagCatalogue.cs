using System.Text.Json.Nodes;
using Livechat.Server.Data;
using Livechat.Server.Http;
using Livechat.Server.Validation;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Tags;

/// <summary>Saving and removing tags, shared by <c>livechat/tags.save|delete</c> and <c>livechat:saveTag|removeTag</c>.</summary>
public static class TagCatalogue
{
    /// <summary>The body of <c>tags.save</c>; the method's three parameters are checked as this object too.</summary>
    public static readonly ObjectSchema SaveSchema = Schema.Object(
        ("_id", Schema.String().OrNull()),
        ("tagData", Schema.Object(("name", Schema.String().AtMost(Limits.MaxTagLength)), ("description", Schema.String())).Requires("name")),
        ("tagDepartments", Schema.Array(Schema.String())))
        .Requires("tagData", "tagDepartments");

    static CatalogueError NotFound() => new("tag-not-found", "Tag not found", ApiError.Coded("tag-not-found", "Tag not found"));

    static CatalogueError Duplicated() => new("error-duplicated-tag", null, ApiError.Failure("error-duplicated-tag"));

    /// <summary>Creates (no id) or replaces a tag from a body that <see cref="SaveSchema"/> has coerced.</summary>
    public static async Task<Outcome<Tag>> SaveAsync(JsonObject request, LivechatDb db, TimeProvider time, CancellationToken ct)
    {
        var id = (string?)request["_id"];
        var data = request["tagData"]!.AsObject();
        var name = ((string)data["name"]!).Trim();
        var key = name.ToLowerInvariant();
        // The official client sends [""] for "no department".
        var departments = request["tagDepartments"]!.AsArray().Select(d => (string)d!).Where(d => d.Length > 0).Distinct().ToList();

        var tag = id is null ? null : await db.Tags.FirstOrDefaultAsync(t => t.Id == id, ct);
        if (id is not null && tag is null) return NotFound();
        if (await db.Tags.AnyAsync(t => t.NameKey == key && t.Id != id, ct)) return Duplicated();

        var now = time.UtcNow();
        if (tag is null)
        {
            tag = new Tag { Id = Ids.NewObjectId(), Name = name, NameKey = key, UpdatedAt = now };
            db.Tags.Add(tag);
        }
        tag.Name = name;
        tag.NameKey = key;
        tag.Description = (string?)data["description"];
        tag.Departments = departments;
        tag.UpdatedAt = now;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // The unique name index caught a concurrent save with the same name.
            return Duplicated();
        }
        return tag;
    }

    /// <summary>Deletes a tag; rooms keep the tag names they have.</summary>
    public static async Task<Outcome<bool>> RemoveAsync(string id, LivechatDb db, CancellationToken ct)
    {
        if (await db.Tags.Where(t => t.Id == id).ExecuteDeleteAsync(ct) == 0) return NotFound();
        return true;
    }
}
