import './base.css';
import './libs.css';
import './mqtt.css';
import './idle.css';
import './classtable.css';
import './lesson.css';
import './classes.css';
