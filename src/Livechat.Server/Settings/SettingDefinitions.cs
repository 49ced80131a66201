using System.Text.Json;
using System.Text.Json.Nodes;

namespace Livechat.Server.Settings;

public enum SettingType { Boolean, Int, Number, String, Select }

public sealed record SettingDefinition(string Id, SettingType Type, JsonNode Default, IReadOnlyList<string>? Values = null)
{
    /// <summary>A credential (<c>SMTP_Password</c>): written by admins, never answered or logged (docs/compatibility.md).</summary>
    public bool Secret { get; init; }

    /// <summary>Whether a JSON value fits this setting's type (our server rejects mismatches with 400).</summary>
    public bool Accepts(JsonNode? value) => (Type, value?.GetValueKind()) switch
    {
        (SettingType.Boolean, JsonValueKind.True or JsonValueKind.False) => true,
        (SettingType.Int, JsonValueKind.Number) => value!.GetValue<double>() is var d && Math.Floor(d) == d && Math.Abs(d) <= int.MaxValue,
        (SettingType.Number, JsonValueKind.Number) => true,
        (SettingType.String, JsonValueKind.String) => true,
        (SettingType.Select, JsonValueKind.String) => Values!.Contains(value!.GetValue<string>()),
        _ => false,
    };
}

/// <summary>Every setting the server knows, with its type and default (livechat-endpoints §1.6).</summary>
public static class SettingDefinitions
{
    public static readonly IReadOnlyList<SettingDefinition> All =
    [
        Bool("Livechat_enabled", true),
        new("Livechat_Routing_Method", SettingType.Select, "Auto_Selection", ["Auto_Selection", "Manual_Selection"]),
        Bool("Livechat_accept_chats_with_no_agents", false),
        Bool("Livechat_enabled_when_agent_idle", true),
        Int("Livechat_guest_count", 1),
        Bool("Livechat_Allow_collect_and_store_HTTP_header_informations", false),
        Bool("Omnichannel_allow_visitors_to_close_conversation", true),
        Bool("Livechat_request_comment_when_closing_conversation", true),
        Bool("Omnichannel_allow_force_close_conversations", false),
        Bool("Livechat_enable_message_character_limit", false),
        Int("Livechat_message_character_limit", 0),
        Bool("Livechat_show_agent_info", true),
        new("Livechat_Require_Contact_Verification", SettingType.Select, "never", ["never", "once", "always"]),
        Bool("Omnichannel_enable_department_removal", false),
        Bool("Livechat_allow_manual_on_hold", false),
        Str("Livechat_webhookUrl", ""),
        Str("Livechat_secret_token", ""),
        Int("Livechat_http_timeout", 5000),
        Bool("Message_Read_Receipt_Enabled", false),
        Int("Message_MaxAllowedSize", 5000),
        Bool("FileUpload_Enabled", true),
        Int("FileUpload_MaxFileSize", 104857600),
        Str("FileUpload_MediaTypeWhiteList", ""),
        Str("FileUpload_MediaTypeBlackList", "image/svg+xml"),
        Str("FileUpload_FileSystemPath", ""),
        Bool("Livechat_fileupload_enabled", true),
        Bool("API_Enable_Rate_Limiter", true),
        Bool("API_Enable_Rate_Limiter_Dev", true),
        Int("API_Enable_Rate_Limiter_Limit_Calls_Default", 10),
        Int("API_Enable_Rate_Limiter_Limit_Time_Default", 60000),
        Int("API_Default_Count", 50),
        Int("API_Upper_Count_Limit", 100),
        Bool("API_Allow_Infinite_Count", true),
        Bool("API_Enable_CORS", false),
        Str("API_CORS_Origin", "*"),
        Bool("Block_Multiple_Failed_Logins_Enabled", true),
        Bool("Block_Multiple_Failed_Logins_By_User", true),
        Int("Block_Multiple_Failed_Logins_Attempts_Until_Block_by_User", 10),
        new("Block_Multiple_Failed_Logins_Time_To_Unblock_By_User_In_Minutes", SettingType.Number, 5),
        Bool("Block_Multiple_Failed_Logins_By_Ip", true),
        Int("Block_Multiple_Failed_Logins_Attempts_Until_Block_By_Ip", 50),
        new("Block_Multiple_Failed_Logins_Time_To_Unblock_By_Ip_In_Minutes", SettingType.Number, 5),
        Str("Block_Multiple_Failed_Logins_Ip_Whitelist", ""),
        Int("Accounts_LoginExpiration", 90),
        Bool("Livechat_webhook_on_room_updated", false),
        // The conversation-lifecycle CRM calls (Webhooks/LifecycleWebhooks.cs), with Rocket.Chat's defaults.
        Bool("Livechat_webhook_on_start", false),
        Bool("Livechat_webhook_on_close", false),
        Bool("Livechat_webhook_on_chat_queued", false),
        Bool("Livechat_webhook_on_chat_taken", false),
        Bool("Livechat_webhook_on_forward", false),
        Bool("Livechat_webhook_on_visitor_message", false),
        Bool("Livechat_webhook_on_agent_message", false),
        Bool("Livechat_webhook_on_capture", false),
        Str("Livechat_lead_email_regex", @"\b[A-Z0-9._%+-]+@(?:[A-Z0-9-]+\.)+[A-Z]{2,4}\b"),
        Str("Livechat_lead_phone_regex", @"((?:\([0-9]{1,3}\)|[0-9]{2})[ \-]*?[0-9]{4,5}(?:[\-\s_]{1,2})?[0-9]{4}(?:(?=[^0-9])|$)|[0-9]{4,5}(?:[\-\s_]{1,2})?[0-9]{4}(?:(?=[^0-9])|$))"),
        // The website widget's configuration (livechat/config), with Rocket.Chat's defaults.
        Str("Livechat_title", "Rocket.Chat"),
        Str("Livechat_title_color", "#C1272D"),
        Str("Livechat_offline_title", "Leave a message"),
        Str("Livechat_offline_title_color", "#666666"),
        new("Livechat_widget_position", SettingType.Select, "right", ["left", "right"]),
        Bool("Livechat_registration_form", true),
        Bool("Livechat_name_field_registration_form", true),
        Bool("Livechat_email_field_registration_form", true),
        Bool("Livechat_allow_switching_departments", true),
        Bool("Livechat_display_offline_form", true),
        Bool("Livechat_enable_transcript", false),
        new("Livechat_history_monitor_type", SettingType.Select, "url", ["url", "title"]),
        Bool("Livechat_force_accept_data_processing_consent", false),
        Bool("Livechat_Show_Connecting", false),
        Bool("Livechat_clear_local_storage_when_chat_ended", false),
        Bool("Livechat_show_agent_email", true),
        Str("Language", ""),
        Str("Livechat_offline_message", ""),
        Str("Livechat_offline_success_message", ""),
        Str("Livechat_offline_form_unavailable", ""),
        Str("Livechat_conversation_finished_message", ""),
        Str("Livechat_conversation_finished_text", ""),
        Str("Livechat_transcript_message", ""),
        Str("Livechat_registration_form_message", ""),
        Str("Livechat_data_processing_consent_text", ""),
        Str("Livechat_waiting_queue_message", ""),
        Bool("Livechat_webhook_on_offline_msg", false),
        Bool("Message_AllowEditing", true),
        Bool("Message_AllowDeleting", true),
        // Business hours (BusinessHours/), abandoned chats and on-hold (OnHold/), with Rocket.Chat's defaults.
        Bool("Livechat_enable_business_hours", false),
        new("Livechat_business_hour_type", SettingType.Select, "Single", ["Single", "Multiple"]),
        new("Livechat_abandoned_rooms_action", SettingType.Select, "none", ["none", "close", "on-hold"]),
        Int("Livechat_visitor_inactivity_timeout", 3600),
        Str("Livechat_abandoned_rooms_closed_custom_message", ""),
        // Presence, the agent-leave action, capacity and the waiting queue (Presence/), with Rocket.Chat's defaults.
        new("Livechat_agent_leave_action", SettingType.Select, "none", ["none", "forward", "close"]),
        Int("Livechat_agent_leave_action_timeout", 60),
        Str("Livechat_agent_leave_comment", ""),
        Bool("Livechat_waiting_queue", false),
        Int("Livechat_maximum_chats_per_agent", 0),
        Int("Livechat_max_queue_wait_time", -1),
        Int("Livechat_number_most_recent_chats_estimate_wait_time", 100),
        Bool("Accounts_Default_User_Preferences_enableAutoAway", true),
        Int("Accounts_Default_User_Preferences_idleTimeLimit", 300),
        // Mail (Mail/): the SMTP transport, transcripts and offline messages, with Rocket.Chat's defaults.
        Str("SMTP_Host", ""),
        Str("SMTP_Port", ""),
        Str("SMTP_Username", ""),
        Str("SMTP_Password", "") with { Secret = true },
        Bool("SMTP_IgnoreTLS", true),
        new("SMTP_Protocol", SettingType.Select, "smtp", ["smtp", "smtps"]),
        Str("From_Email", ""),
        Str("Livechat_offline_email", ""),
        Str("Livechat_transcript_email_subject", ""),
    ];

    public static readonly IReadOnlyDictionary<string, SettingDefinition> ById = All.ToDictionary(s => s.Id);

    static SettingDefinition Bool(string id, bool value) => new(id, SettingType.Boolean, value);
    static SettingDefinition Int(string id, int value) => new(id, SettingType.Int, value);
    static SettingDefinition Str(string id, string value) => new(id, SettingType.String, value);
}
