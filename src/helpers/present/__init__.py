"""What a reader sees: the house style and charts, Swedish sentences, tables that render themselves
and hand over their DataFrame. Nothing here reads or writes files except the templates."""
