using System.Text.Json;

namespace Livechat.Client;

// The server's answer envelopes, as they arrive; the sub-clients unwrap them into models and pages.
internal sealed record RoomsAnswer(List<Room> Rooms, int Count, int Offset, int Total);
internal sealed record RoomAnswer(Room Room);
internal sealed record InquiriesAnswer(List<Inquiry> Inquiries, int Count, int Offset, int Total);
internal sealed record AuditLogAnswer(List<AuditEntry> Entries, int Count, int Offset, int Total);
internal sealed record VisitorAnswer(Visitor Visitor);
internal sealed record VisitorsAnswer(List<Visitor> Visitors, int Count, int Offset, int Total);
internal sealed record MessageAnswer(Message Message);
internal sealed record MessagesAnswer(List<Message> Messages);
internal sealed record SyncAnswer(MessageSync Result);
internal sealed record AgentsAnswer(List<Agent> Users, int Count, int Offset, int Total);
internal sealed record AgentAnswer(Agent? User);
internal sealed record AgentStatusAnswer(string Status);
internal sealed record UserAnswer(User User);
internal sealed record DepartmentsAnswer(List<Department> Departments, int Count, int Offset, int Total);
internal sealed record DepartmentAnswer(Department? Department, List<DepartmentAgent>? Agents);
internal sealed record DepartmentAgentsAnswer(List<DepartmentAgent> Agents, int Count, int Offset, int Total);
internal sealed record TagsAnswer(List<Tag> Tags, int Count, int Offset, int Total);
internal sealed record PrioritiesAnswer(List<Priority> Priorities, int Count, int Offset, int Total);
internal sealed record PriorityResetAnswer(bool Reset);
internal sealed record SlasAnswer(List<Sla> Sla, int Count, int Offset, int Total);
internal sealed record SlaAnswer(Sla Sla);
internal sealed record CustomFieldsAnswer(List<CustomField> CustomFields, int Count, int Offset, int Total);
internal sealed record CustomFieldAnswer(CustomField? CustomField);
internal sealed record DeliveriesAnswer(List<WebhookDelivery> Deliveries, int Count, int Offset, int Total);
internal sealed record PermissionsAnswer(List<Permission> Update);

// Request bodies.
internal sealed record LoginBody(string User, string Password);
internal sealed record ResumeBody(string Resume);
internal sealed record SendMessageBody(SendMessageFields Message);
internal sealed record SendMessageFields(string Rid, string Msg, [property: System.Text.Json.Serialization.JsonPropertyName("_id")] string? Id);
internal sealed record TakeBody(string InquiryId, string? UserId);
internal sealed record AgentStatusBody(string? Status, string? AgentId);
internal sealed record UsernameBody(string Username);
internal sealed record DepartmentBody(DepartmentData Department, IReadOnlyList<DepartmentAgentEntry>? Agents);
internal sealed record DepartmentAgentsBody(IReadOnlyList<DepartmentAgentEntry> Upsert, IReadOnlyList<AgentIdEntry> Remove);
internal sealed record AgentIdEntry(string AgentId);
internal sealed record TagSaveBody(
    [property: System.Text.Json.Serialization.JsonPropertyName("_id")] string? Id, TagData TagData, IReadOnlyList<string> TagDepartments);
internal sealed record TagData(string Name, string? Description);
internal sealed record IdBody(string Id);
internal sealed record PriorityNameBody(string Name);
internal sealed record PriorityResetBody(bool Reset);
internal sealed record CustomFieldSaveBody(string? CustomFieldId, CustomFieldData CustomFieldData);
internal sealed record CustomFieldIdBody(string CustomFieldId);
internal sealed record SettingBody(JsonElement Value);
