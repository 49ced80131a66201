namespace Livechat.Server.Events;

/// <summary>
/// Declares an entity property a tracked field of change events, by its wire name: a save that changes it lists it in
/// the event's <c>changes</c> (<see cref="ChangeFields"/> reads these once, by reflection). An audited field also forms
/// the audit log, a dry run's answer and the <c>room.updated</c> webhook's changes. A person field names the property
/// holding the username too; its value is then <c>{"_id","username"}</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false)]
public sealed class TrackedAttribute(string name) : Attribute
{
    public string Name { get; } = name;

    /// <summary>False for presence and derived values: realtime wants them, the audit log does not.</summary>
    public bool Audited { get; set; } = true;

    /// <summary>False when a change must not send <c>room.updated</c> (a value the webhook's own answer writes).</summary>
    public bool Webhook { get; set; } = true;

    /// <summary>For a person field, the property with the person's username.</summary>
    public string? Username { get; set; }
}
